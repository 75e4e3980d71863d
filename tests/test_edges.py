"""Issue 14: the edges of the app (headers on every answer, complaints for supervisors)."""

from __future__ import annotations

from starlette.testclient import TestClient


def test_a_404_under_an_unknown_office_prefix_carries_the_security_headers(
    client: TestClient,
) -> None:
    for url in ("/o/elsewhere/", "/o/elsewhere/api/queue", "/o/%00/staff"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
