from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts import security_views, signin_views, sso_views, views

webauthn_urls = (
    [
        path(
            "registration/begin/",
            signin_views.webauthn_views.BeginCredentialRegistrationView.as_view(),
            name="credential-registration-begin",
        ),
        path(
            "registration/complete/",
            signin_views.PasskeyRegistrationComplete.as_view(),
            name="credential-registration-complete",
        ),
        path(
            "authentication/begin/",
            signin_views.PasskeyAuthenticationBegin.as_view(),
            name="credential-authentication-begin",
        ),
        path(
            "authentication/complete/",
            signin_views.PasskeyAuthenticationComplete.as_view(),
            name="credential-authentication-complete",
        ),
    ],
    "otp_webauthn",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Staff sign-in: the second step, passkeys, single sign-on (docs/SECURITY.md, "Phished staff passwords")
    path("login/verify/", signin_views.second_step, name="signin_verify"),
    path("login/sso/", sso_views.sso_start, name="sso_start"),
    path("login/sso/callback/", sso_views.sso_callback, name="sso_callback"),
    path("account/passkeys/", include(webauthn_urls)),
    path("account/security/", security_views.security, name="security"),
    path("account/security/totp/", security_views.totp_enrol, name="security_totp"),
    path("account/security/recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path("account/security/<str:kind>/<int:pk>/remove/", security_views.factor_remove, name="factor_remove"),
    path("account/password/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/sessions/", security_views.staff_sessions, name="staff_sessions"),
    path("account/sessions/<int:pk>/end/", security_views.staff_session_end, name="staff_session_end"),
    path("account/sessions/end-others/", security_views.staff_sessions_end_others, name="staff_sessions_end_others"),
]
