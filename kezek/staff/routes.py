"""Everything under /staff: login, the clerk console, intake, supervisor and admin pages.

Every route but the login page is wrapped by ``kezek.staff.access.staff(role)``.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from kezek import db, web
from kezek.staff import (
    admin,
    admin_devices,
    admin_tokens,
    application_pages,
    booking_desk,
    cards,
    console,
    console_events,
    flow_pages,
    login,
    sessions,
)
from kezek.staff.supervisor import cases as supervisor

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]

routes: list[BaseRoute] = [
    Route("/", console.console, name="staff"),
    Route("/login", login.login, methods=BOTH, name="staff_login"),
    Route("/logout", login.logout, methods=POST, name="staff_logout"),
    Route("/password", login.password, methods=BOTH, name="staff_password"),
    # the console
    Route("/point", console.take_point, methods=POST, name="staff_point"),
    Route("/point/leave", console.leave_point, methods=POST, name="staff_point_leave"),
    Route("/queue", console.queue_panel, name="staff_queue"),
    Route("/events", console_events.events, name="staff_events"),
    Route("/call-next", console.call_next, methods=POST, name="staff_call_next"),
    Route("/next", console.next_visitor, methods=POST, name="staff_next"),
    Route(
        "/tickets/{ticket_id:int}/call",
        console.call_specific,
        methods=POST,
        name="staff_call_specific",
    ),
    Route(
        "/tickets/{ticket_id:int}/transfer", console.transfer, methods=POST, name="staff_transfer"
    ),
    Route("/tickets/{ticket_id:int}/reprint", console.reprint, methods=POST, name="staff_reprint"),
    Route("/pause", flow_pages.pause_point, methods=POST, name="staff_pause"),
    Route("/resume", flow_pages.resume_point, methods=POST, name="staff_resume"),
    Route(
        "/tickets/{ticket_id:int}/return",
        flow_pages.return_ticket,
        methods=POST,
        name="staff_return",
    ),
    Route(
        "/tickets/{ticket_id:int}/{action}",
        console.ticket_action,
        methods=POST,
        name="staff_ticket_action",
    ),
    Route("/book", booking_desk.book_for_visitor, methods=BOTH, name="staff_book_visitor"),
    # intake: the personal record card
    Route("/cards/find", cards.find, methods=BOTH, name="staff_card_find"),
    Route("/cards/search", cards.search, methods=POST, name="staff_card_search"),  # issue 17
    Route("/cards", cards.create, methods=POST, name="staff_card_create"),
    Route("/cards/{card_id:int}", cards.card_page, methods=BOTH, name="staff_card"),
    Route(
        "/cards/{card_id:int}/applications",
        cards.start,
        methods=POST,
        name="staff_application_start",
    ),
    Route("/cards/{card_id:int}/referrals", cards.referral, methods=POST, name="staff_referral"),
    Route(
        "/applications/{app_id:int}/documents",
        application_pages.checklist,
        methods=POST,
        name="staff_checklist",
    ),
    Route(
        "/applications/{app_id:int}/reprint",
        application_pages.reprint,
        methods=POST,
        name="staff_application_reprint",
    ),
    Route(
        "/applications/{app_id:int}/decision",
        application_pages.decision,
        methods=POST,
        name="staff_decision",
    ),
    Route(
        "/applications/{app_id:int}/corrected",
        application_pages.corrected,
        methods=POST,
        name="staff_corrected",
    ),
    Route(
        "/applications/{app_id:int}/employment",
        application_pages.end_registration,
        methods=POST,
        name="staff_end_registration",
    ),
    Route(
        "/applications/{app_id:int}/collected",
        application_pages.collected,
        methods=POST,
        name="staff_result_collected",
    ),
    Route(
        "/applications/{app_id:int}/certificate",
        application_pages.certificate,
        name="staff_certificate",
    ),
    # supervisor and admin
    Route("/cases", supervisor.cases, name="staff_cases"),
    Route("/audit", supervisor.audit_trail, name="staff_audit"),
    Route("/admin/users", admin.users, methods=BOTH, name="staff_admin_users"),
    Route("/admin/users/{user_id:int}", admin.change_user, methods=POST, name="staff_admin_user"),
    Route("/admin/office", admin.office, name="staff_admin_office"),
    Route("/admin/tokens", admin_tokens.tokens_page, methods=BOTH, name="staff_admin_tokens"),
    Route(
        "/admin/tokens/{token_id:int}/revoke",
        admin_tokens.revoke,
        methods=POST,
        name="staff_admin_token_revoke",
    ),
    Route("/admin/devices", admin_devices.devices_page, methods=BOTH, name="staff_admin_devices"),
    Route(
        "/admin/devices/{device_id:int}/revoke",
        admin_devices.revoke,
        methods=POST,
        name="staff_admin_device_revoke",
    ),
]


async def startup(st: web.State) -> None:
    """Sessions idle past their lifetime are removed at start (they are refused anyway)."""
    from starlette.concurrency import run_in_threadpool

    def purge() -> None:
        with db.transaction(st.engine) as session:
            sessions.purge(session, st.clock.now())

    await run_in_threadpool(purge)
