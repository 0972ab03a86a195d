from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from elkaar.api.api import api
from elkaar.core import views as core_views

admin.site.site_header = "elkaar beheer"
admin.site.site_title = "elkaar beheer"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("toegankelijkheid/", core_views.accessibility, name="accessibility"),
    path("health", core_views.health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("beheer/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("elkaar.accounts.urls")),
    path("", include("elkaar.catalogue.urls")),
    path("", include("elkaar.enrolment.urls")),
    path("", include("elkaar.search.urls")),
    path("", include("elkaar.demand.urls")),
    path("", include("elkaar.feedback.urls")),
    path("", include("elkaar.impact.urls")),
]

handler400 = "elkaar.core.views.bad_request"
handler403 = "elkaar.core.views.permission_denied"
handler404 = "elkaar.core.views.page_not_found"
handler500 = "elkaar.core.views.server_error"
