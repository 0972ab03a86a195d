app_name = "enrolment"

urlpatterns: list = []
