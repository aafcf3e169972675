// The company view (ui://klipy/company): get_company's result as a card
// with the people known at the company and its recent interactions.
import { callTool, clip, el, fact, link, section, show, start, state, str, timeline, webURL, type Rec, type ToolResult } from "./common";

function place(c: Rec): string {
  return [str(c.city), str(c.state), str(c.country)].filter(Boolean).join(", ");
}

function size(c: Rec): string {
  const n = c.employeeCount;
  return typeof n === "number" && n > 0 ? `${n.toLocaleString("en-US")} employees` : str(n);
}

function personName(p: Rec): string {
  return [str(p.firstName), str(p.lastName)].filter(Boolean).join(" ") || str(p.email) || "Unnamed person";
}

function personRow(p: Rec): HTMLElement {
  const name = personName(p);
  const email = str(p.email);
  return el(
    "li",
    "person",
    el("span", "person-name", clip(name, 80)),
    str(p.title) ? el("span", "person-title", clip(str(p.title), 100)) : null,
    email ? link(clip(email, 80), "mailto:" + email, "link person-email") : null,
  );
}

// listFrom returns the records under key in the result, or asks the host
// to call tool for them when the result does not carry them.
async function listFrom(data: Rec, key: string, tool: string, args: Rec): Promise<Rec[] | string> {
  if (Array.isArray(data[key])) return data[key] as Rec[];
  const res: ToolResult | null = await callTool(tool, args);
  if (!res) return "This host does not let the view look them up.";
  if (res.isError) return (res.content ?? []).map((c) => c.text ?? "").join(" ") || "The lookup failed.";
  const v = res.structuredContent?.[key];
  return Array.isArray(v) ? (v as Rec[]) : [];
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
      : ps.length
        ? section("People", ps.length, el("ul", "people", ...ps.map(personRow)))
        : section("People", 0, state("empty", "No people known at this company.", "Link a person with company_id to see them here.")),
  );
  activity.replaceWith(
    typeof its === "string"
      ? section("Recent interactions", null, state("error", "Interactions could not be listed.", its))
      : its.length
        ? section("Recent interactions", its.length, timeline(its, names(ps)))
        : section("Recent interactions", 0, state("empty", "No interactions yet.", "Nothing has been logged with this company.")),
  );
}

function names(ps: Rec[] | string): Map<string, string> {
  const m = new Map<string, string>();
  if (typeof ps !== "string") for (const p of ps) if (str(p.id)) m.set(str(p.id), clip(personName(p), 40));
  return m;
}

start("company", render);
