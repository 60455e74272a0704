from datetime import timedelta

from django.utils import timezone

from orchestre.shipping.carriers import create_label


def test_the_sandbox_carrier_page_shows_the_events_so_far(client, settings):
    settings.SANDBOX_CARRIER_STEP_SECONDS = 600
    label = create_label(reference="EX-2026-00001", at=timezone.now() - timedelta(minutes=15))

    response = client.get(f"/en/carrier/sandbox/{label.tracking_number}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Parcel collected and in transit" in page
    assert "Parcel delivered" not in page
    assert label.tracking_url.endswith(f"/carrier/sandbox/{label.tracking_number}/")


def test_an_unknown_tracking_number_is_not_found(client, db):
    assert client.get("/en/carrier/sandbox/SBX123/").status_code == 404
