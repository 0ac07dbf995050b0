from django.contrib.auth import views as auth_views
from django.views.decorators.debug import sensitive_post_parameters

from inservice.core.policy import public_view

from .forms import SignInForm

sign_in = public_view(
    sensitive_post_parameters("password")(
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", authentication_form=SignInForm, redirect_authenticated_user=True
        )
    )
)
sign_out = public_view(auth_views.LogoutView.as_view())
