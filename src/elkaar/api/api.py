"""The JSON API under /api/v1. Each app adds its router here."""

from ninja import NinjaAPI

api = NinjaAPI(title="elkaar API", version="1.0.0", urls_namespace="api")
