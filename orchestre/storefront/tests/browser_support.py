"""Real-browser support for the storefront tests: Debian's Chromium driven by Playwright,
axe-core for WCAG 2.1 A/AA. The `browser` and `page` fixtures live in conftest.py."""

from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def open_page(browser, **context_options):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    failures = []
    page.on("requestfailed", lambda request: failures.append(f"failed {request.url}"))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            and "/nothing-here/" not in response.url
            and failures.append(f"{response.status} {response.url}")
        ),
    )
    page.on("pageerror", lambda error: failures.append(f"script error {error}"))
    page.failures = failures
    return page


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    return [
        f"{violation['id']}: {node['target']} {node['failureSummary']}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]
