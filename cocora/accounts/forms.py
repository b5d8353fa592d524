from allauth.account.forms import LoginForm as AllauthLoginForm

from cocora.core.forms import StyledFormMixin


class LoginForm(StyledFormMixin, AllauthLoginForm):
    """allauth's sign-in form with the platform's field styling, so that each field's
    aria-describedby names the hint that includes/field.html renders."""
