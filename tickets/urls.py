from django.urls import path

from tickets import views

urlpatterns = [
    path("tickets/", views.ticket_list, name="ticket_list"),
    path("tickets/<int:ticket_id>/", views.ticket_detail, name="ticket_detail"),
    path("tickets/<int:ticket_id>/sidebar/", views.ticket_sidebar, name="ticket_sidebar"),
    path("tickets/replies/", views.canned_replies, name="canned_replies"),
    path("tickets/customers/<int:customer_id>/reveal/", views.customer_reveal, name="customer_reveal"),
    path("tickets/replies/search/", views.canned_search, name="canned_search"),
]
