// The person view (ui://klipy/person): get_person's result as a card with
// contact links and a timeline of interactions.
import { callTool, clip, el, fact, link, section, show, start, state, str, timeline, webURL, type Rec } from "./common";

function fullName(p: Rec): string {
  return [str(p.firstName), str(p.lastName)].filter(Boolean).join(" ") || str(p.name) || str(p.email) || "Unnamed person";
}

function contacts(p: Rec): HTMLElement | null {
  const email = str(p.email);
  const phone = str(p.phone);
  const linkedin = str(p.linkedin) || str(p.linkedinUrl);
  const rows = [
    email ? fact("Email", link(clip(email, 120), "mailto:" + email)) : null,
    phone ? fact("Phone", link(clip(phone, 40), "tel:" + phone.replace(/[^0-9+]/g, ""))) : null,
    linkedin ? fact("LinkedIn", link("Profile", webURL(linkedin))) : null,
  ].filter(Boolean) as HTMLElement[];
  return rows.length ? el("dl", "facts", ...rows) : null;
}

async function render(data: Rec): Promise<void> {
  const p = (data.person ?? data) as Rec;
  if (!p || typeof p !== "object" || Array.isArray(p)) {
    show(state("empty", "No person in this result."));
    return;
  }
  const name = fullName(p);
  const title = str(p.title);
  const companyLine = el("span", "company", str(p.companyName) || str(p.company));
  const card = el(
    "article",
    "card",
    el("header", "card-head", el("h1", "name", clip(name, 120)), el("p", "subtitle", title ? clip(title, 160) : null, companyLine)),
    contacts(p),
    str(p.remarks) ? el("p", "remarks", clip(str(p.remarks), 600)) : null,
  );
  const items = Array.isArray(data.interactions) ? (data.interactions as Rec[]) : null;
  let activity: HTMLElement;
  if (items && items.length) {
    activity = section("Interactions", items.length, timeline(items));
  } else if (items) {
    activity = section("Interactions", 0, state("empty", "No interactions yet.", "Nothing has been logged with this person."));
  } else if (str(data.note)) {
    activity = section("Interactions", null, state("error", "Interactions could not be read.", str(data.note)));
  } else {
    activity = section("Interactions", null, state("empty", "Interactions were not requested.", "Ask for this person with their interactions to see the timeline."));
  }
  show(card, activity);
  await companyName(p, companyLine);
}

// companyName fills in the company's name when the person record carries
// only its id, by asking the host to call get_company.
async function companyName(p: Rec, into: HTMLElement): Promise<void> {
  const id = str(p.companyId);
  if (!id || into.textContent) return;
  const res = await callTool("get_company", { company_id: id });
  const co = res && !res.isError ? ((res.structuredContent?.company ?? null) as Rec | null) : null;
  const name = co ? str(co.name) : "";
  if (name) into.textContent = (into.previousSibling ? " · " : "") + clip(name, 120);
}

start("person", render);
