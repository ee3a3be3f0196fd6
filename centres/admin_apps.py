from django.contrib.admin.apps import AdminConfig


class ProductAdminConfig(AdminConfig):
    """The Django admin with the product's site (DITP administrators only)."""

    default_site = "centres.admin_site.ProductAdminSite"
