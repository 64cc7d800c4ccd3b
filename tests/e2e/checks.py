"""What every page a journey visits must pass, and the browser plumbing around it.

`Journey.check()` runs on the page as the user has it now:
1. axe-core (tests/e2e/vendor/axe.min.js) at desktop width: any violation of impact serious or
   critical fails, naming the rule, its help text and the offending nodes;
2. no horizontal scrolling at 375 px (document.documentElement.scrollWidth > clientWidth fails,
   naming the element that sticks out furthest);
3. 长者模式 at 375 px (pages with the 长者模式 link in their header,
   i.e. all but the admin site's): the page is loaded again in a second tab of the same browser
   context with the `elder=1` cookie that /elder-mode/?on=1 sets. A page that was the answer to a
   POST (a form shown again with its errors) cannot be loaded again, so there the body gets the
   `elder` class that the cookie would give it (templates/base.html: the only thing the cookie changes
   besides the header link's wording). There: no horizontal scrolling, no visible text under 18 px, line
   spacing at least 1.3, every control and stand-alone link at least 44 × 44 px, no select whose chosen
   option is cut off by its width (ELDER_JS);
4. no JavaScript error and no Content-Security-Policy refusal in the console.

axe is injected as a same-origin script: the browser asks for /__e2e__/axe.min.js on the live server
and Playwright answers with the vendored file, so the site's strict CSP (script-src 'self') applies
unchanged: no bypass_csp.

Set E2E_SCREENSHOTS=1 to also keep a screenshot of every checked page (desktop, 375 px, 长者模式) in
the test's artifacts folder (E2E_SCREENSHOTS=viewport: only the first screenful of each), and E2E_KEEP_GOING=1 to report every page's problems at the end of the
journey instead of stopping at the first page with one.
"""

import json
import os
import re
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"
AXE_PATH = VENDOR / "axe.min.js"
AXE_URL_PATH = "/__e2e__/axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
FAILING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 15_000
RESIZE_SETTLE_MS = 600


def element_path_js(depth, classes="Infinity"):
    """JavaScript defining `path(el)`: an element named by up to `depth` levels of tag#id.classes (at
    most `classes` class names each) from inside <body>, for the reports of the checks below."""
    return f"""  const describe = (el) => {{
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\\s+/).slice(0, {classes}).join('.');
    return s;
  }};
  const path = (el) => {{
    const parts = [];
    for (let e = el; e && e !== document.body && parts.length < {depth}; e = e.parentElement) parts.unshift(describe(e));
    return parts.join(' > ');
  }};
"""


# The element that sticks out furthest to the right, ignoring what is clipped or scrolled inside
# a container that itself fits (a .table-responsive, say).
OVERFLOW_JS = (
    """
() => {
  const doc = document.documentElement;
  const width = doc.clientWidth;
  if (doc.scrollWidth <= width) return null;
"""
    + element_path_js(depth=4)
    + """  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body && a !== doc; a = a.parentElement) {
      const ox = getComputedStyle(a).overflowX;
      if (ox !== 'visible' && a.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 1) continue;
    if (getComputedStyle(el).position === 'fixed' || clipped(el)) continue;
    offenders.push({el, right: r.right, width: r.width});
  }
  // A page 1–2 px wider with no element beyond the viewport is sub-pixel rounding of fractional column
  // widths (seen on 我的服务项目 in 长者模式 with four-digit ids), not content a user must scroll to.
  if (!offenders.length && doc.scrollWidth - width <= 2) return null;
  offenders.sort((a, b) => b.right - a.right || a.width - b.width);
  // Innermost first among those reaching the furthest: the element to fix, then its context.
  const top = offenders.slice(0, 30);
  const furthest = top.length ? top[0].right : 0;
  const innermost = top.filter(o => o.right >= furthest - 1)
    .sort((a, b) => (b.el.contains(a.el) ? -1 : a.el.contains(b.el) ? 1 : 0));
  const pick = innermost.length ? innermost[0] : null;
  return {
    scrollWidth: doc.scrollWidth, clientWidth: width,
    element: pick ? path(pick.el) : '(none found)',
    elementWidth: pick ? Math.round(pick.width) : 0,
    right: pick ? Math.round(pick.right) : 0,
    text: pick ? (pick.el.innerText || pick.el.value || '').trim().slice(0, 60) : '',
    others: offenders.slice(0, 6).map(o => path(o.el) + ' (right ' + Math.round(o.right) + 'px)'),
  };
}
"""
)

# 长者模式 (MIIT 2021 适老化 rules, issue 18): no visible text under 18 px, line spacing at least 1.3,
# every control and stand-alone link at least 44 × 44 px (a link inside a sentence is exempt, as in
# WCAG 2.5.5; a radio or checkbox counts with its label's row). Computed styles in Chromium.
ELDER_MIN_TEXT_PX = 18
ELDER_MIN_LINE_HEIGHT = 1.3
ELDER_MIN_TARGET_PX = 44
ELDER_JS = (
    """
([minText, minLine, minTarget]) => {
"""
    + element_path_js(depth=3, classes=3)
    + """  const shown = (el) => {
    if (el.closest('[hidden], .visually-hidden, .visually-hidden-focusable, .hp-field, [aria-hidden="true"] .hp-field')) return false;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1 || r.right < 0 || r.bottom < -5000 || r.left > 5000) return false;
    const st = getComputedStyle(el);
    return st.visibility !== 'hidden' && st.display !== 'none' && parseFloat(st.opacity) > 0;
  };
  const text = (el) => Array.from(el.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
  const small = [], tight = [], targets = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'OPTGROUP'].includes(el.tagName)) continue;
    const own = text(el);
    if (!own || !shown(el)) continue;
    const st = getComputedStyle(el);
    const size = parseFloat(st.fontSize);
    if (size < minText - 0.05) small.push(path(el) + '：' + size.toFixed(1) + 'px「' + own.slice(0, 20) + '」');
    if (st.lineHeight !== 'normal' && parseFloat(st.lineHeight) / size < minLine - 0.005)
      tight.push(path(el) + '：行高 ' + (parseFloat(st.lineHeight) / size).toFixed(2) + '「' + own.slice(0, 20) + '」');
  }
  const inSentence = (a) => {
    if (getComputedStyle(a).display !== 'inline') return false;
    const block = a.parentElement;
    return block && (block.innerText || '').trim().length > (a.innerText || '').trim().length + 1;
  };
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], trix-editor';
  for (const el of document.body.querySelectorAll(controls)) {
    let box = el;
    if (el.matches('input[type=radio], input[type=checkbox]')) box = el.closest('.form-check') || el.parentElement;
    if (!shown(el) && !(box !== el && shown(box))) continue;
    if (el.tagName === 'A' && inSentence(el)) continue;
    if (el.closest('.visually-hidden, .hp-field, trix-toolbar .trix-dialogs')) continue;
    const r = box.getBoundingClientRect();
    if (r.height < minTarget - 0.5 || r.width < minTarget - 0.5)
      targets.push(path(el) + '：' + Math.round(r.width) + '×' + Math.round(r.height) + 'px「' + ((el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 20)) + '」');
  }
  // A select whose chosen option's text is wider than the room beside its arrow shows it cut off.
  const cut = [], ruler = document.createElement('canvas').getContext('2d');
  for (const el of document.body.querySelectorAll('select:not([multiple])')) {
    if (!shown(el) || el.selectedIndex < 0) continue;
    const st = getComputedStyle(el);
    ruler.font = st.font;
    const room = el.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    const label = el.options[el.selectedIndex].text.trim();
    if (ruler.measureText(label).width > room + 1)
      cut.push(path(el) + '：宽 ' + Math.round(room) + 'px 放不下「' + label.slice(0, 20) + '」');
  }
  return {small, tight, targets, cut};
}
"""
)

AXE_RUN_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                              summary: (n.failureSummary || '').slice(0, 400)})),
  }));
}
"""


class PageProblems(AssertionError):
    pass


def _slug(text):
    return re.sub(r"[^\w.-]+", "-", text).strip("-")[:60] or "page"


class Journey:
    """One person's browser session: `page`, `goto`, `check`, `login`, and the failure artifacts."""

    def __init__(self, *, browser, base_url, artifacts):
        self.base_url = base_url.rstrip("/")
        self.artifacts = artifacts
        self.keep_going = os.environ.get("E2E_KEEP_GOING") == "1"
        self.screenshots = os.environ.get("E2E_SCREENSHOTS") in ("1", "viewport")
        self.full_page = os.environ.get("E2E_SCREENSHOTS") != "viewport"
        self.problems = []
        self.visited = []
        self.console_errors = []
        self._counter = 0
        self._last_method = "GET"
        self.context = browser.new_context(
            base_url=self.base_url, viewport=DESKTOP, locale="zh-CN", accept_downloads=True
        )
        self.context.set_default_timeout(TIMEOUT_MS)
        self.context.route(f"**{AXE_URL_PATH}", self._serve_axe)
        self.page = self._watch(self.context.new_page())
        self.page.on("request", self._remember_method)

    # --- plumbing ---------------------------------------------------------------------------------

    @staticmethod
    def _serve_axe(route):
        route.fulfill(path=str(AXE_PATH), content_type="application/javascript; charset=utf-8")

    def _watch(self, page):
        def on_console(message):
            if message.type == "error":
                self.console_errors.append((page.url, message.text))

        page.on("console", on_console)
        page.on(
            "pageerror", lambda error: self.console_errors.append((page.url, f"JavaScript 错误：{error}"))
        )
        return page

    def _remember_method(self, request):
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self._last_method = request.method

    def url(self, path):
        return path if path.startswith("http") else self.base_url + path

    def close(self):
        self.context.close()

    # --- navigation -------------------------------------------------------------------------------

    def goto(self, path, *, check=True, label=None):
        response = self.page.goto(self.url(path))
        assert response is not None and response.ok, f"{path}: HTTP {response and response.status}"
        if check:
            self.check(label)
        return response

    def follow(self, link, *, check=True, label=None):
        """Click `link` (a locator) and wait for the page it opens: a check run right after a bare
        click() may meet the old document being torn down (axe's script tag found no <head>)."""
        with self.page.expect_navigation():
            link.click()
        if check:
            self.check(label)

    def login(self, username, password=None, totp_secret=None):
        """Log in on the login page as a person does; lands on 我的工作台 (checked too). The fixtures'
        users have must_change_password=False, so no forced password change comes first."""
        from tests.factories import PASSWORD

        self.goto("/accounts/login/", label="登录")
        self.page.get_by_label("用户名").fill(username)
        self.page.get_by_label("密码").fill(password or PASSWORD)
        self.page.get_by_role("button", name="登录", exact=True).click()
        self.page.wait_for_url(re.compile(r".*/(workbench|accounts/2fa/authenticate)/$"))
        if self.page.url.endswith("/accounts/2fa/authenticate/"):
            # Administrators and the monitor give their authenticator's code (issue #14).
            self.check("输入动态验证码")
            self.enter_totp_code(totp_secret)
            self.page.wait_for_url("**/workbench/")
        self.check("登录后：我的工作台")

    def enter_totp_code(self, secret=None):
        import pyotp

        from tests.factories import TOTP_SECRET

        self.page.get_by_label("验证码").fill(pyotp.TOTP(secret or TOTP_SECRET).now())
        self.page.get_by_role("button", name="登录", exact=True).click()

    # --- the checks -------------------------------------------------------------------------------

    def check(self, label=None):
        """Run every check on the page as it is now; fail (or record, with E2E_KEEP_GOING) on problems."""
        self._counter += 1
        page = self.page
        path = page.url.removeprefix(self.base_url)
        name = f"{self._counter:02d}-{_slug(label or path)}"
        self.visited.append(path)
        problems = []

        # 1. axe at desktop width, as the user sees the page now.
        problems += self._axe(page, "桌面宽度")
        if self.screenshots:
            self._screenshot(page, f"{name}-desktop")

        # 2. 375 px: the same page, narrower.
        page.set_viewport_size(PHONE)
        try:
            problems += self._overflow(page, "375px")
            if self.screenshots:
                self._screenshot(page, f"{name}-375")
            if problems:
                self._save(page, f"{name}-375")
        finally:
            page.set_viewport_size(DESKTOP)
        if problems and not any("375px" in p for p in problems):
            self._save(page, f"{name}-desktop")

        # 3. 长者模式 at 375 px.
        problems += self._elder(page, path, name)

        # 4. the console: JavaScript errors and CSP refusals.
        if self.console_errors:
            problems += [f"控制台错误（{url}）：{text}" for url, text in self.console_errors]
            self.console_errors.clear()

        if problems:
            report = f"页面 {path}（{label or ''}）有 {len(problems)} 个问题：\n" + "\n".join(problems)
            self.problems.append(report)
            if not self.keep_going:
                raise PageProblems(report + f"\n截图和 HTML：{self.artifacts}")

    def _elder(self, page, path, name):
        if page.locator("a[href*='/elder-mode/']").count() == 0:
            return []  # not in the portal's frame (the admin site): no 长者模式 there
        if self._last_method == "GET":
            self.context.add_cookies([{"name": "elder", "value": "1", "url": self.base_url + "/"}])
            tab = self._watch(self.context.new_page())
            tab.set_viewport_size(PHONE)
            try:
                response = tab.goto(page.url)
                assert response is not None and response.ok, f"长者模式 {path}: HTTP {response.status}"
                assert tab.locator("body.elder").count() == 1, "长者模式的 cookie 没有生效"
                return self._elder_problems(tab, "长者模式 375px", name)
            finally:
                tab.close()
                self.context.clear_cookies(name="elder")
        # The answer to a POST: give the body the class the cookie would give it, on this page.
        page.evaluate("document.body.classList.add('elder'); document.documentElement.classList.add('elder')")
        page.set_viewport_size(PHONE)
        try:
            return self._elder_problems(page, "长者模式 375px（表单提交结果页，以 body.elder 模拟）", name)
        finally:
            page.evaluate(
                "document.body.classList.remove('elder'); document.documentElement.classList.remove('elder')"
            )
            page.set_viewport_size(DESKTOP)

    def _elder_problems(self, page, where, name):
        """What the 375 px and 长者模式 checks find on `page` (in 长者模式 already), saved if anything."""
        problems = self._overflow(page, where) + self._elder_sizes(page)
        if self.screenshots:
            self._screenshot(page, f"{name}-elder-375")
        if problems:
            self._save(page, f"{name}-elder-375")
        return problems

    def _elder_sizes(self, page):
        found = page.evaluate(ELDER_JS, [ELDER_MIN_TEXT_PX, ELDER_MIN_LINE_HEIGHT, ELDER_MIN_TARGET_PX])
        problems = []
        for key, rule in (
            ("small", f"文字小于 {ELDER_MIN_TEXT_PX}px"),
            ("tight", f"行距小于 {ELDER_MIN_LINE_HEIGHT}"),
            ("targets", f"点击区域小于 {ELDER_MIN_TARGET_PX}×{ELDER_MIN_TARGET_PX}px"),
            ("cut", "下拉框的选项文字显示不全"),
        ):
            if found[key]:
                listed = "\n".join(f"      - {item}" for item in found[key][:10])
                more = f"\n      …另有 {len(found[key]) - 10} 处" if len(found[key]) > 10 else ""
                problems.append(f"  [长者模式 375px] {rule}（{len(found[key])} 处）：\n{listed}{more}")
        return problems

    def _axe(self, page, where):
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(url=self.base_url + AXE_URL_PATH)
        violations = page.evaluate(AXE_RUN_JS)
        problems = []
        for v in violations:
            if v["impact"] not in FAILING_IMPACTS:
                continue
            nodes = "\n".join(
                f"      - {n['target']}\n        {n['html']}\n        {n['summary'].replace(chr(10), ' ')}"
                for n in v["nodes"][:8]
            )
            more = f"\n      …另有 {len(v['nodes']) - 8} 处" if len(v["nodes"]) > 8 else ""
            problems.append(
                f"  [axe {where}] {v['impact']} {v['id']}：{v['help']}（{v['helpUrl']}）\n{nodes}{more}"
            )
        return problems

    def _overflow(self, page, where):
        found = page.evaluate(OVERFLOW_JS)
        if found:
            # Pages may re-lay out on "resize" after a debounce (the dashboard's charts: 150 ms).
            page.wait_for_timeout(RESIZE_SETTLE_MS)
            found = page.evaluate(OVERFLOW_JS)
        if not found:
            return []
        others = "\n".join(f"      {o}" for o in found["others"])
        return [
            f"  [横向滚动 {where}] 页面宽 {found['scrollWidth']}px > 视口 {found['clientWidth']}px；"
            f"最宽的元素：{found['element']}（宽 {found['elementWidth']}px，右边缘 {found['right']}px，"
            f"文字“{found['text']}”）\n    超出视口的元素：\n{others}"
        ]

    # --- artifacts --------------------------------------------------------------------------------

    def _screenshot(self, page, name):
        self.artifacts.joinpath("pages").mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(self.artifacts / "pages" / f"{name}.png"), full_page=self.full_page)

    def _save(self, page, name):
        """A screenshot and the HTML of a page with problems (the page as the check saw it)."""
        self.artifacts.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(self.artifacts / f"{name}.png"), full_page=True)
            (self.artifacts / f"{name}.html").write_text(page.content(), encoding="utf-8")
        except Exception as exc:  # noqa: BLE001 - the artifacts must never hide the real failure
            (self.artifacts / f"{name}.error.txt").write_text(repr(exc), encoding="utf-8")

    def save_failure_artifacts(self):
        """The page where the journey stopped: screenshot, HTML, and what was visited before."""
        self._save(self.page, "failure")
        (self.artifacts / "visited.json").write_text(
            json.dumps({"visited": self.visited, "at": self.page.url}, ensure_ascii=False, indent=2),
            encoding="utf-8",
        )
        if self.problems:
            (self.artifacts / "problems.txt").write_text("\n\n".join(self.problems), encoding="utf-8")
        return self.artifacts

    def finish(self):
        """End of a journey: with E2E_KEEP_GOING=1, fail now with every page's problems."""
        if self.problems:
            raise PageProblems("\n\n".join(self.problems) + f"\n截图和 HTML：{self.artifacts}")
