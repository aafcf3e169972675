// The company view (ui://klipy/company): get_company's result as a card
// with the people known at the company and its recent interactions.
import { callTool, clip, el, fact, link, section, show, start, state, str, timeline, uncut, webURL, type Rec, type ToolResult } from "./common";

function place(c: Rec): string {
  return [str(c.city), str(c.state), str(c.country)].filter(Boolean).join(", ");
}

function size(c: Rec): string {
  const n = c.employeeCount;
  return typeof n === "number" && n > 0 ? `${n.toLocaleString("en-US")} employees` : str(n);
}

function personName(p: Rec): string {
  const name = [str(p.firstName), str(p.lastName)].map((s) => uncut(s).text).filter(Boolean).join(" ");
  return name || uncut(str(p.email)).text || "Unnamed person";
}

function personRow(p: Rec): HTMLElement {
  const name = personName(p);
  const email = uncut(str(p.email));
  const title = uncut(str(p.title)).text;
  return el(
    "li",
    "person",
    el("span", "person-name", clip(name, 80)),
    title ? el("span", "person-title", clip(title, 100)) : null,
    email.text && !email.cut ? link(clip(email.text, 80), "mailto:" + email.text, "link person-email") : null,
  );
}

// listFrom returns the records under key in the result, or asks the host
// to call tool for them when the result does not carry them; contact_names
// (person id → name) comes along when the answer has it.
async function listFrom(data: Rec, key: string, tool: string, args: Rec): Promise<{ items: Rec[]; names: Rec } | string> {
  let from: Rec = data;
  if (!Array.isArray(data[key])) {
    const res: ToolResult | null = await callTool(tool, args);
    if (!res) return "This host does not let the view look them up.";
    if (res.isError) return (res.content ?? []).map((c) => c.text ?? "").join(" ") || "The lookup failed.";
    from = res.structuredContent ?? {};
  }
  const items = Array.isArray(from[key]) ? (from[key] as Rec[]) : [];
  const names = from.contact_names && typeof from.contact_names === "object" ? (from.contact_names as Rec) : {};
  return { items, names };
}

async function render(data: Rec): Promise<void> {
  const c = (data.company ?? data) as Rec;
  if (!c || typeof c !== "object" || Array.isArray(c)) {
    show(state("empty", "No company in this result."));
    return;
  }
  const domain = str(c.domain);
  const website = str(c.website);
  const linkedin = str(c.linkedin);
  const facts = [
    domain ? fact("Domain", link(clip(domain, 80), webURL(domain))) : null,
    fact("Industry", clip(str(c.industry), 80)),
    fact("Size", size(c)),
    fact("Location", clip(place(c), 120)),
    website && website.replace(/^https?:\/\/(www\.)?/, "") !== domain ? fact("Website", link(clip(website, 80), webURL(website))) : null,
    linkedin ? fact("LinkedIn", link("Company page", webURL(linkedin))) : null,
  ].filter(Boolean) as HTMLElement[];
  const card = el(
    "article",
    "card",
    el("header", "card-head", el("h1", "name", clip(str(c.name) || domain || "Unnamed company", 120))),
    facts.length ? el("dl", "facts", ...facts) : null,
  );
  const people = section("People", null, state("loading", "Looking up people…"));
  const activity = section("Recent interactions", null, state("loading", "Looking up interactions…"));
  show(card, people, activity);
  const id = str(c.id);
  const [ps, its] = await Promise.all([
    listFrom(data, "people", "search_people", { company_id: id, limit: 20 }),
    listFrom(data, "interactions", "search_interactions", { company_id: id, limit: 10 }),
  ]);
  people.replaceWith(
    typeof ps === "string"
      ? section("People", null, state("error", "People could not be listed.", ps))
      : ps.items.length
        ? section("People", ps.items.length, el("ul", "people", ...ps.items.map(personRow)))
        : section("People", 0, state("empty", "No people known at this company.", "Link a person with company_id to see them here.")),
  );
  activity.replaceWith(
    typeof its === "string"
      ? section("Recent interactions", null, state("error", "Interactions could not be listed.", its))
      : its.items.length
        ? section("Recent interactions", its.items.length, timeline(its.items, names(ps, its.names)))
        : section("Recent interactions", 0, state("empty", "No interactions yet.", "Nothing has been logged with this company.")),
  );
}

// names maps person ids to names: the server's contact_names, then the
// people listed at the company.
function names(ps: { items: Rec[] } | string, known: Rec): Map<string, string> {
  const m = new Map<string, string>();
  for (const [id, n] of Object.entries(known)) if (str(n)) m.set(id, clip(uncut(str(n)).text, 40));
  if (typeof ps !== "string") for (const p of ps.items) if (str(p.id)) m.set(str(p.id), clip(personName(p), 40));
  return m;
}

start("company", render);
