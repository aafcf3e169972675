// Shared pieces of the klipy-mcp views: the App connection, host theme and
// fonts, safe DOM building, links through the host, and the empty, error
// and loading states.
//
// Record text is untrusted. Every string from a record reaches the page
// through textContent or an attribute set by the DOM API, never innerHTML.
import "./jitless";
import {
  App,
  applyDocumentTheme,
  applyHostFonts,
  applyHostStyleVariables,
  type McpUiHostContext,
} from "@modelcontextprotocol/ext-apps";

export type Rec = Record<string, unknown>;

/** A tool result as the host sends it to the view. */
export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: Rec;
  isError?: boolean;
}

type Child = Node | string | null | undefined | false;

/** el builds an element; strings become text nodes, never markup. */
export function el(tag: string, cls?: string, ...children: Child[]): HTMLElement {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === "string" ? document.createTextNode(c) : c);
  }
  return e;
}

/** str returns v when it is a non-empty string (after trimming), else "". */
export function str(v: unknown): string {
  return typeof v === "string" ? v.trim() : typeof v === "number" ? String(v) : "";
}

/** clip shortens s to at most n characters, ending with an ellipsis. */
export function clip(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length <= n ? s : chars.slice(0, n - 1).join("").trimEnd() + "…";
}

/** Longest record text a view shows, even after "Show more". */
export const MAX_TEXT = 4000;

let app: App;

const SAFE_SCHEMES = ["https:", "http:", "mailto:", "tel:"];

/**
 * link makes an anchor that asks the host to open url (ui/open-link); the
 * sandboxed view never navigates itself. Other schemes (javascript:, data:)
 * give plain text.
 */
export function link(label: string, url: string, cls = "link"): HTMLElement {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return el("span", cls, label);
  }
  if (!SAFE_SCHEMES.includes(parsed.protocol)) return el("span", cls, label);
  const a = el("a", cls, label) as HTMLAnchorElement;
  a.href = parsed.href;
  a.rel = "noopener noreferrer";
  a.addEventListener("click", (ev) => {
    ev.preventDefault();
    app?.openLink({ url: parsed.href }).catch(() => {});
  });
  return a;
}

/** webURL turns a bare domain or LinkedIn path into an https URL. */
export function webURL(v: string): string {
  if (!v) return "";
  return /^[a-z][a-z0-9+.-]*:/i.test(v) ? v : "https://" + v.replace(/^\/+/, "");
}

/** state renders a designed empty, error or loading state. */
export function state(kind: "empty" | "error" | "loading", title: string, detail?: string): HTMLElement {
  const box = el("section", `state state-${kind}`, el("p", "state-title", title), detail ? el("p", "state-detail", clip(detail, 600)) : null);
  box.setAttribute("role", kind === "error" ? "alert" : "status");
  return box;
}

/** show replaces the view's content. */
export function show(...nodes: Node[]): void {
  const root = document.getElementById("root")!;
  root.replaceChildren(...nodes);
}

/** errorText returns the message of an isError result. */
export function errorText(r: ToolResult): string {
  return (r.content ?? []).map((c) => c.text ?? "").join("\n").trim() || "The tool reported an error.";
}

let hostLocale: string | undefined;
let hostTimeZone: string | undefined;

function applyContext(ctx: McpUiHostContext | undefined): void {
  if (!ctx) return;
  if (ctx.theme) applyDocumentTheme(ctx.theme);
  if (ctx.styles?.variables) applyHostStyleVariables(ctx.styles.variables);
  if (ctx.styles?.css?.fonts) applyHostFonts(ctx.styles.css.fonts);
  if (ctx.locale) hostLocale = ctx.locale;
  if (ctx.timeZone) hostTimeZone = ctx.timeZone;
}

/**
 * When is a record's time: an instant, or only a calendar day (list rows
 * carry "date": "YYYY-MM-DD", the day in UTC).
 */
export interface When {
  t: Date;
  day: boolean;
}

/** when reads a record timestamp (RFC 3339, a bare date, or epoch ms). */
export function when(v: unknown): When | null {
  if (typeof v === "number") return { t: new Date(v), day: false };
  if (typeof v !== "string" || !v) return null;
  const day = /^\d{4}-\d{2}-\d{2}$/.test(v);
  const t = new Date(day ? v + "T00:00:00Z" : v);
  return isNaN(t.getTime()) ? null : { t, day };
}

/** dayKey is the calendar day of w (YYYY-MM-DD), in the host's time zone for an instant. */
export function dayKey(w: When): string {
  const tz = w.day ? "UTC" : hostTimeZone;
  return new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" }).format(w.t);
}

/** dayLabel formats a day heading in the host's locale. */
export function dayLabel(w: When): string {
  const tz = w.day ? "UTC" : hostTimeZone;
  return new Intl.DateTimeFormat(hostLocale, { timeZone: tz, weekday: "short", year: "numeric", month: "short", day: "numeric" }).format(w.t);
}

/** timeLabel formats the time of day in the host's locale ("" for a bare day). */
export function timeLabel(w: When): string {
  return w.day ? "" : new Intl.DateTimeFormat(hostLocale, { timeZone: hostTimeZone, hour: "numeric", minute: "2-digit" }).format(w.t);
}

// The server ends text it shortened with a note for the model naming the
// tool that has the rest, e.g. "…[get_interaction has the rest]".
const REST = /…\[[a-z_]+ has the rest\]$/;

/** uncut drops the server's "has the rest" note; cut says whether there was one. */
export function uncut(s: string): { text: string; cut: boolean } {
  const m = REST.exec(s);
  return m ? { text: s.slice(0, m.index).trimEnd() + "…", cut: true } : { text: s, cut: false };
}

/** callTool calls a server tool through the host, or null when it cannot. */
export async function callTool(name: string, args: Rec): Promise<ToolResult | null> {
  if (!app.getHostCapabilities()?.serverTools) return null;
  try {
    return (await app.callServerTool({ name, arguments: args })) as ToolResult;
  } catch {
    return null;
  }
}

/**
 * start connects the view to its host and renders every tool result it is
 * sent; render gets the structured content of a successful result.
 */
export function start(name: string, render: (data: Rec) => void | Promise<void>): void {
  app = new App({ name: `klipy-mcp ${name} view`, version: "1" }, {});
  show(state("loading", "Loading…"));
  app.onhostcontextchanged = (ctx) => applyContext(ctx);
  app.ontoolcancelled = () => show(state("error", "The request was cancelled.", "Ask again to see this view."));
  app.ontoolresult = async (r) => {
    const res = r as ToolResult;
    if (res.isError) {
      show(state("error", "Klipy could not answer.", errorText(res)));
      return;
    }
    const data = res.structuredContent ?? parseText(res);
    if (!data) {
      show(state("error", "This result has nothing to show.", "The tool returned no record."));
      return;
    }
    // aria-busy stays set while the view still looks things up through
    // the host (a company name, a company's people).
    const root = document.getElementById("root")!;
    root.setAttribute("aria-busy", "true");
    try {
      await render(data);
    } catch (e) {
      show(state("error", "This record could not be shown.", String(e)));
    } finally {
      root.removeAttribute("aria-busy");
    }
  };
  app
    .connect()
    .then(() => applyContext(app.getHostContext()))
    .catch((e) => show(state("error", "The view could not reach its host.", String(e))));
}

function parseText(r: ToolResult): Rec | null {
  const t = r.content?.find((c) => c.type === "text")?.text;
  if (!t) return null;
  try {
    const v = JSON.parse(t);
    return v && typeof v === "object" ? (v as Rec) : null;
  } catch {
    return null;
  }
}

const TYPE_LABELS: Record<string, string> = {
  DIRECT_MESSAGE: "Message",
  EMAIL: "Email",
  MEETING: "Meeting",
  MEMO: "Memo",
  BOOKING_CREATED: "Booking",
  BOOKING_CANCELLED: "Cancelled booking",
  MANUAL: "Note",
  API_EVENT: "Event",
  VOICE_NOTE: "Voice note",
};

const DIRECTION_LABELS: Record<string, string> = {
  INBOUND: "Inbound",
  OUTBOUND: "Outbound",
  HYBRID: "Both ways",
  INTERNAL: "Internal",
  EVENT: "Event",
};

function label(map: Record<string, string>, v: string): string {
  return map[v] ?? v.toLowerCase().replace(/_/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** Summaries longer than this get a "Show more" button. */
const SUMMARY_PREVIEW = 180;

// paragraphs folds blank lines: they cost height and say nothing here.
const paragraphs = (s: string) => s.replace(/\n\s*\n+/g, "\n");

function interactionItem(it: Rec, names?: Map<string, string>): HTMLElement {
  const type = str(it.type) || str(it.source);
  const dir = str(it.direction);
  const date = when(it.interactionDate) ?? when(it.date) ?? when(it.creationTime);
  const time = date ? timeLabel(date) : "";
  const head = el(
    "div",
    "item-head",
    type ? el("span", `badge badge-${type.toLowerCase()}`, label(TYPE_LABELS, type)) : null,
    dir ? el("span", "direction", label(DIRECTION_LABELS, dir)) : null,
    time ? el("time", "time", time) : null,
    withWhom(it, names),
  );
  if (time && date) head.querySelector("time")!.setAttribute("datetime", date.t.toISOString());
  const title = el("p", "item-title", clip(uncut(str(it.title)).text || "(no title)", 200));
  const li = el("li", "item", head, title);
  const sum = uncut(paragraphs(str(it.summary)));
  let full = clip(sum.text, MAX_TEXT);
  if (!full) return li;
  const short = clip(full, SUMMARY_PREVIEW);
  const p = el("p", "item-summary", short);
  li.append(p);
  if (short === full && !sum.cut) return li;
  const more = el("button", "more", "Show more") as HTMLButtonElement;
  more.type = "button";
  more.setAttribute("aria-expanded", "false");
  let fetched = !sum.cut;
  more.addEventListener("click", async () => {
    if (more.getAttribute("aria-expanded") === "true") {
      p.textContent = short;
      more.textContent = "Show more";
      more.setAttribute("aria-expanded", "false");
      return;
    }
    if (!fetched) {
      // The row holds the opening only: ask the host for the whole record.
      more.disabled = true;
      more.textContent = "Loading…";
      const res = await callTool("get_interaction", { interaction_id: str(it.id) });
      const rec = res && !res.isError ? (res.structuredContent?.interaction as Rec | undefined) : undefined;
      const whole = rec ? paragraphs(str(rec.summary)) : "";
      if (whole) full = clip(whole, MAX_TEXT);
      fetched = true;
      more.disabled = false;
    }
    p.textContent = full;
    more.textContent = "Show less";
    more.setAttribute("aria-expanded", "true");
  });
  li.append(more);
  return li;
}

// withWhom names the people of an interaction that names knows.
function withWhom(it: Rec, names?: Map<string, string>): HTMLElement | null {
  if (!names || !Array.isArray(it.contacts)) return null;
  const who = (it.contacts as unknown[]).map((id) => names.get(str(id))).filter(Boolean) as string[];
  return who.length ? el("span", "with", "with " + clip(who.join(", "), 80)) : null;
}

/**
 * timeline renders interactions grouped by day, newest first. Undated
 * interactions come last. names (person id → name), when given, labels
 * each interaction with the people it involved.
 */
export function timeline(items: Rec[], names?: Map<string, string>): HTMLElement {
  const dated = items
    .map((it) => ({ it, t: when(it.interactionDate) ?? when(it.date) ?? when(it.creationTime) }))
    .sort((a, b) => (b.t?.t.getTime() ?? -Infinity) - (a.t?.t.getTime() ?? -Infinity));
  const list = el("ol", "timeline");
  let day = "";
  let group: HTMLElement | null = null;
  for (const { it, t } of dated) {
    const key = t ? dayKey(t) : "undated";
    if (key !== day || !group) {
      day = key;
      const heading = el("h3", "day", t ? dayLabel(t) : "Undated");
      if (t) heading.setAttribute("data-day", key);
      group = el("ol", "day-items");
      list.append(el("li", "day-group", heading, group));
    }
    group.append(interactionItem(it, names));
  }
  return list;
}

/** section renders a titled part of a card with a count. */
export function section(title: string, count: number | null, ...body: Child[]): HTMLElement {
  const h = el("h2", "section-title", title, count === null ? null : el("span", "count", String(count)));
  return el("section", "section", h, ...body);
}

/** fact renders one label/value row, or nothing when the value is empty. */
export function fact(name: string, value: Node | string): HTMLElement | null {
  if (value === "") return null;
  return el("div", "fact", el("dt", "", name), el("dd", "", value));
}
