"""Console: staff sign-in, the two-factor step and enrolment, sign-out."""

from django.urls import path

from orchestre.console import auth_views

urlpatterns = [
    path("sign-in/", auth_views.SignInView.as_view(), name="sign_in"),
    path("sign-out/", auth_views.sign_out, name="sign_out"),
    path("sign-in/code/", auth_views.verify_otp, name="verify_otp"),
    path("two-factor/", auth_views.two_factor, name="two_factor"),
    path("two-factor/disable/", auth_views.two_factor_disable, name="two_factor_disable"),
]
