from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is incorrect. Check both (the password is case-sensitive) "
            "and try again; after 5 failed attempts sign-in is locked for 15 minutes."
        ),
        "inactive": _("This account is disabled. Ask your unit's chief administrator or your authority to enable it."),
    }

    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}))
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip()
