from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("apply/", views.apply, name="apply"),
    path("apply/submitted/", views.apply_submitted, name="apply_submitted"),
    path("apply/status/", views.application_status, name="application_status"),
    path("business/", views.unit_accounts, name="unit_accounts"),
    path("business/mine/", views.my_business_account, name="my_business_account"),
    path("business/<int:pk>/approve/", views.account_approve, name="account_approve"),
    path("business/<int:pk>/return/", views.account_return, name="account_return"),
    path("business/<int:pk>/role/", views.account_change_role, name="account_change_role"),
    path("business/<int:pk>/delete/", views.account_delete, name="account_delete"),
    path("business/<int:pk>/enable/", views.account_enable, name="account_enable"),
    path("business/<int:pk>/suspend/", views.account_suspend, name="account_suspend"),
    path("authority/", views.authority_accounts, name="authority_accounts"),
    path("system/", views.system_accounts, name="system_accounts"),
    path("system/users/<int:pk>/suspend/", views.user_suspend, name="user_suspend"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_sent, name="password_reset_sent"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
]
