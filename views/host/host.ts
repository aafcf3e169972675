// A minimal MCP Apps host for tests and `klipy-mcp view`: it loads one view
// into a sandboxed iframe with the extension's own host side (AppBridge),
// under the CSP a host derives from empty domain lists, forwards the view's
// tool calls to the Go side (POST /call), records the links the view asks
// the host to open, and reports what the view rendered.
import { AppBridge, PostMessageTransport, type McpUiHostContext } from "@modelcontextprotocol/ext-apps/app-bridge";

type Theme = "light" | "dark";

// What a host like Claude passes: colours for the theme and its font.
const palettes: Record<Theme, Record<string, string>> = {
  light: {
    "--color-background-primary": "#ffffff",
    "--color-background-secondary": "#f5f4ef",
    "--color-text-primary": "#1f1e1d",
    "--color-text-secondary": "#5e5d59",
    "--color-border-primary": "#dedcd1",
    "--color-text-info": "#1d5bbf",
    "--color-background-info": "#e8f0fc",
    "--font-sans": '"DejaVu Sans", "Liberation Sans", sans-serif',
  },
  dark: {
    "--color-background-primary": "#262624",
    "--color-background-secondary": "#30302e",
    "--color-text-primary": "#f0eee6",
    "--color-text-secondary": "#b8b5a9",
    "--color-border-primary": "#4a4945",
    "--color-text-info": "#8fb8f6",
    "--color-background-info": "#29384f",
    "--font-sans": '"DejaVu Sans", "Liberation Sans", sans-serif',
  },
};

// The CSP of a view whose resource declares empty domain lists: inline
// script and style only, no network, no frames.
const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'";

interface Report {
  opened: string[];
  calls: Array<{ name: string; arguments: unknown }>;
  violations: string[];
  xss: number;
}

const report: Report = { opened: [], calls: [], violations: [], xss: 0 };
let bridge: AppBridge | null = null;
let frame: HTMLIFrameElement | null = null;
let context: McpUiHostContext = {};

function hostContext(theme: Theme, width: number, styles = true): McpUiHostContext {
  return {
    theme,
    styles: styles ? { variables: palettes[theme] as never } : undefined,
    locale: "en-US",
    timeZone: "UTC",
    platform: "web",
    displayMode: "inline",
    availableDisplayModes: ["inline"],
    containerDimensions: { width, maxHeight: 4000 },
  };
}

async function callServer(name: string, args: unknown): Promise<unknown> {
  report.calls.push({ name, arguments: args });
  const res = await fetch("/call", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name, arguments: args }) });
  if (!res.ok) throw new Error(`tool call failed: HTTP ${res.status}`);
  return res.json();
}

// The host's instrumentation, first in the view's head: it reports every
// CSP violation (a network request the view should not make) to the host.
const PROBE =
  "<script>document.addEventListener('securitypolicyviolation',function(e){parent.postMessage({klipyCsp:e.violatedDirective+' '+e.blockedURI+' at '+e.lineNumber+':'+e.columnNumber},'*')})</script>";

/** load puts html in a sandboxed iframe and resolves once the view is initialized. */
async function load(html: string, theme: Theme, width: number, styles = true): Promise<void> {
  report.opened = [];
  report.calls = [];
  report.violations = [];
  report.xss = 0;
  document.body.style.width = `${width}px`;
  const doc = html.replace(/<head>/i, `<head><meta http-equiv="Content-Security-Policy" content="${CSP}">${PROBE}`);
  frame = document.createElement("iframe");
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin");
  frame.style.cssText = `width:${width}px;height:200px;border:0;display:block`;
  document.body.replaceChildren(frame);
  context = hostContext(theme, width, styles);
  // The iframe's window proxy outlives the navigation to srcdoc, so the
  // bridge listens before the view's first message (ui/initialize).
  const win = frame.contentWindow!;
  bridge = new AppBridge(null, { name: "klipy-mcp test host", version: "1" }, { openLinks: {}, serverTools: {}, logging: {} }, { hostContext: context });
  bridge.onopenlink = async ({ url }) => {
    report.opened.push(url);
    return {};
  };
  bridge.oncalltool = async (params) => (await callServer(params.name, params.arguments ?? {})) as never;
  bridge.onsizechange = ({ height }) => {
    if (height && frame) frame.style.height = `${Math.ceil(height)}px`;
  };
  const initialized = new Promise<void>((resolve) => {
    bridge!.oninitialized = () => resolve();
  });
  await bridge.connect(new PostMessageTransport(win, win));
  frame.srcdoc = doc;
  await initialized;
}

async function sendResult(result: unknown): Promise<void> {
  await bridge!.sendToolResult(result as never);
}

function setTheme(theme: Theme): void {
  context = { ...context, ...hostContext(theme, (context.containerDimensions as { width: number }).width) };
  bridge!.setHostContext(context);
}

/** settled resolves when the view has no loading state left. */
async function settled(timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const doc = frame?.contentDocument;
    const root = doc?.getElementById("root");
    if (root && root.childElementCount && !root.hasAttribute("aria-busy") && !doc!.querySelector(".state-loading")) {
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      frame!.style.height = `${doc!.documentElement.scrollHeight}px`;
      return true;
    }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

function rgb(c: string): number[] | null {
  const m = c.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const v = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
  return v.length >= 4 && v[3] === 0 ? null : v.slice(0, 3);
}

function luminance([r, g, b]: number[]): number {
  const f = (x: number) => ((x /= 255) <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4);
  return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
}

/** contrast returns the lowest WCAG contrast ratio of text matching selector, or 0 when none. */
function contrast(selector: string): number {
  const doc = frame!.contentDocument!;
  const win = frame!.contentWindow!;
  let lowest = 0;
  for (const e of Array.from(doc.querySelectorAll(selector))) {
    const fg = rgb(win.getComputedStyle(e).color)!;
    let bg: number[] | null = null;
    for (let p: Element | null = e; p && !bg; p = p.parentElement) bg = rgb(win.getComputedStyle(p).backgroundColor);
    const [a, b] = [luminance(fg), luminance(bg ?? [255, 255, 255])].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    lowest = lowest === 0 ? ratio : Math.min(lowest, ratio);
  }
  return Math.round(lowest * 100) / 100;
}

const TEXT = ["body", ".name", ".subtitle", ".fact dt", ".fact dd", "a.link", ".remarks", ".section-title", ".count", ".day", ".badge", ".direction", ".time", ".with", ".item-title", ".item-summary", "button.more", ".person-title", ".state-title", ".state-detail"];

/** inspect reports what the view rendered, for the tests to check. */
function inspect(): unknown {
  const doc = frame!.contentDocument!;
  const win = frame!.contentWindow!;
  const q = (s: string) => Array.from(doc.querySelectorAll(s));
  const text = (s: string) => q(s).map((e) => (e.textContent ?? "").trim());
  const body = win.getComputedStyle(doc.body);
  return {
    name: text("h1.name")[0] ?? "",
    subtitle: text(".subtitle")[0] ?? "",
    facts: q(".fact").map((f) => [f.querySelector("dt")?.textContent ?? "", (f.querySelector("dd")?.textContent ?? "").trim()]),
    links: q("a").map((a) => (a as HTMLAnchorElement).href),
    sections: text(".section-title"),
    days: q(".day").map((d) => d.getAttribute("data-day") ?? ""),
    items: q(".item").length,
    itemTitles: text(".item-title"),
    itemTypes: text(".badge"),
    itemDirections: text(".direction"),
    summaries: text(".item-summary"),
    moreButtons: q("button.more").length,
    people: text(".person-name"),
    states: q(".state").map((s) => [s.className, (s.textContent ?? "").trim()]),
    theme: doc.documentElement.getAttribute("data-theme") ?? "",
    background: body.backgroundColor,
    color: body.color,
    font: body.fontFamily,
    scrollWidth: doc.documentElement.scrollWidth,
    clientWidth: doc.documentElement.clientWidth,
    height: doc.documentElement.scrollHeight,
    images: q("img").length,
    scripts: q("script").length,
    contrast: Object.fromEntries(TEXT.map((s) => [s, contrast(s)]).filter(([, r]) => r !== 0)),
    report,
  };
}

/** click clicks the n-th element matching selector inside the view. */
function click(selector: string, n = 0): boolean {
  const e = frame!.contentDocument!.querySelectorAll<HTMLElement>(selector)[n];
  if (!e) return false;
  e.click();
  return true;
}

// Messages a payload might post to prove it ran.
window.addEventListener("message", (e) => {
  if (e.data === "xss") report.xss++;
  if (e.data && typeof e.data === "object" && "klipyCsp" in e.data) report.violations.push(String(e.data.klipyCsp));
});

(window as unknown as Record<string, unknown>).klipyHost = { load, sendResult, setTheme, settled, inspect, click, report };
