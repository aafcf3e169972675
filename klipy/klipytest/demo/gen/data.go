package main

// company is one fictional company of the demo workspace.
type company struct {
	name, domain, industry string
	employees              int
	revenue                float64
	city, state, country   string
}

var companies = []company{
	{"Acme Analytics", "acmeanalytics.example", "Data & Analytics", 85, 12_500_000, "Austin", "TX", "US"},
	{"Brightline Logistics", "brightline-logistics.example", "Logistics", 240, 48_000_000, "Columbus", "OH", "US"},
	{"Cobalt Health", "cobalthealth.example", "Healthcare", 130, 21_000_000, "Boston", "MA", "US"},
	{"Driftwood Coffee Roasters", "driftwoodcoffee.example", "Food & Beverage", 38, 4_200_000, "Portland", "OR", "US"},
	{"Evergreen Robotics", "evergreenrobotics.example", "Robotics", 62, 9_800_000, "Pittsburgh", "PA", "US"},
	{"Fernhill Capital", "fernhillcapital.example", "Venture Capital", 18, 0, "San Francisco", "CA", "US"},
	{"Granite Payments", "granitepay.example", "Fintech", 310, 75_000_000, "New York", "NY", "US"},
	{"Harborview Legal", "harborviewlegal.example", "Legal Services", 45, 8_100_000, "Seattle", "WA", "US"},
	{"Ironbark Security", "ironbarksecurity.example", "Cybersecurity", 95, 16_400_000, "Melbourne", "VIC", "AU"},
	{"Juniper Learning", "juniperlearning.example", "Education", 70, 6_900_000, "Toronto", "ON", "CA"},
	{"Kestrel Aerospace", "kestrelaero.example", "Aerospace", 520, 140_000_000, "Toulouse", "Occitanie", "FR"},
	{"Lumen Solar", "lumensolar.example", "Energy", 150, 33_000_000, "Denver", "CO", "US"},
	{"Meridian Foods", "meridianfoods.example", "Consumer Goods", 410, 96_000_000, "Chicago", "IL", "US"},
	{"Northwind Studio", "northwindstudio.example", "Design Agency", 24, 3_100_000, "Brooklyn", "NY", "US"},
	{"Orchard Biotech", "orchardbio.example", "Biotechnology", 200, 41_000_000, "Cambridge", "England", "GB"},
	{"Pinecone Software", "pineconesoftware.example", "Software", 55, 7_700_000, "Berlin", "Berlin", "DE"},
	{"Quarry Labs", "quarrylabs.example", "Developer Tools", 33, 2_900_000, "Dublin", "Leinster", "IE"},
	{"Riverbend Hotels", "riverbendhotels.example", "Hospitality", 780, 120_000_000, "Nashville", "TN", "US"},
}

// person is one fictional person; company is an index into companies, or
// -1 for someone without a company record.
type person struct {
	first, last, title string
	company            int
	remarks            string
}

// searchPeople exercise search: names with diacritics (search folds them)
// and a name that begins like another's (an exact name ranks first). They
// are drawn after the timeline, from their own random source, so the rest
// of the workspace is the same with or without them.
var searchPeople = []person{
	{"José", "Núñez", "Solutions Architect", 15, "Met at a Berlin meetup; prefers Spanish on calls."},
	{"Renée", "Dupré", "Head of Procurement", 10, ""},
	{"Zoë", "Leadbetter", "Account Executive", 16, ""},
	{"Lily", "Chenoweth", "Head of Growth", 12, ""},
}

var people = []person{
	{"Jordan", "Patel", "Head of Data", 0, "Champion for the pilot. Prefers short emails; mornings CT work best."},
	{"Maya", "Okafor", "CEO", 0, "Decision maker. Met at SaaStr."},
	{"Liam", "Brennan", "Finance Manager", 0, ""},
	{"Sofia", "Marquez", "VP Operations", 1, "Evaluating us against two competitors."},
	{"Daniel", "Kim", "Operations Analyst", 1, ""},
	{"Priya", "Raman", "IT Director", 1, "Owns the security review."},
	{"Noah", "Fischer", "Chief Medical Officer", 2, ""},
	{"Grace", "Liu", "Head of Partnerships", 2, "Intro via Fernhill Capital."},
	{"Ethan", "Walsh", "Procurement Lead", 2, ""},
	{"Hannah", "Berg", "Founder", 3, "Long-time customer; referred two other roasters."},
	{"Oscar", "Delgado", "Wholesale Manager", 3, ""},
	{"Aisha", "Mensah", "CTO", 4, "Technical buyer. Wants API access before signing."},
	{"Lucas", "Moreau", "Product Manager", 4, ""},
	{"Chloe", "Nguyen", "Head of Sales", 4, ""},
	{"Samuel", "Adeyemi", "Partner", 5, "Investor in Acme Analytics and Cobalt Health."},
	{"Isabel", "Costa", "Associate", 5, ""},
	{"Ryan", "Thompson", "Director of Engineering", 6, ""},
	{"Zoe", "Andersen", "RevOps Manager", 6, "Runs the CRM migration project."},
	{"Marcus", "Hale", "CFO", 6, ""},
	{"Elena", "Petrova", "Managing Partner", 7, ""},
	{"Tom", "Whitaker", "Office Manager", 7, ""},
	{"Mei", "Tanaka", "Security Engineer", 8, ""},
	{"Jack", "O'Connor", "Managing Director", 8, "Based in Melbourne: calls after 4pm PT."},
	{"Fatima", "Al-Sayed", "Head of Customer Success", 9, ""},
	{"Ben", "Carter", "Curriculum Lead", 9, ""},
	{"Camille", "Laurent", "Head of Digital", 10, "Large account; slow procurement cycle."},
	{"Pierre", "Dubois", "Engineering Manager", 10, ""},
	{"Anna", "Schmidt", "Procurement Specialist", 10, ""},
	{"Diego", "Romero", "COO", 11, ""},
	{"Olivia", "Grant", "Sales Operations", 11, ""},
	{"Kwame", "Boateng", "Field Operations Lead", 11, ""},
	{"Rachel", "Stein", "VP Marketing", 12, ""},
	{"Victor", "Alvarez", "Category Manager", 12, ""},
	{"Lily", "Chen", "Data Scientist", 12, ""},
	{"Nora", "Lindqvist", "Creative Director", 13, "Design partner for our website refresh."},
	{"Felix", "Hart", "Founder", 13, ""},
	{"Amara", "Obi", "Head of Research Ops", 14, ""},
	{"Henry", "Blake", "Lab Systems Manager", 14, ""},
	{"Sara", "Weiss", "CEO", 15, "Former colleague; very direct."},
	{"Jonas", "Richter", "Backend Lead", 15, ""},
	{"Leonie", "Braun", "Customer Support Lead", 15, ""},
	{"Ciara", "Byrne", "Co-founder", 16, ""},
	{"Sean", "Murphy", "Developer Advocate", 16, ""},
	{"Natalie", "Brooks", "Director of Guest Experience", 17, ""},
	{"Andre", "Williams", "Regional Sales Director", 17, ""},
	{"Julia", "Novak", "Revenue Manager", 17, ""},
	{"Jordan", "Reyes", "Independent Consultant", -1, "Fractional RevOps; sends us referrals."},
	{"Emily", "Foster", "Freelance Designer", -1, ""},
	{"Ravi", "Shah", "Angel Investor", -1, "Interested in the next round."},
	{"Theo", "Martin", "Advisor", -1, "Monthly advisor call, first Tuesday."},
	{"Yuki", "Sato", "Analytics Engineer", 0, ""},
	{"Carlos", "Mendes", "Logistics Coordinator", 1, ""},
	{"Ingrid", "Holm", "Nurse Manager", 2, ""},
	{"Peter", "Novak", "Head of Platform", 6, ""},
	{"Alice", "Moreno", "Partner", 7, ""},
}

// topics are what deals and conversations are about.
var topics = []string{
	"the pilot rollout", "the annual renewal", "SSO and SCIM setup", "pricing for the Growth plan",
	"the data export API", "onboarding for the ops team", "the security questionnaire",
	"the CRM migration", "usage-based billing", "the Q3 expansion", "the integration with their warehouse",
	"a case study", "the referral program", "the reporting dashboard",
}

// interaction templates: {first} is the contact's first name, {company}
// the company name, {topic} a topic, {day} a weekday.
type template struct {
	title, summary string
}

var templates = map[string][]template{
	"EMAIL": {
		{"Re: {topic}", "{first} replied about {topic}. They want a revised quote before {day} and asked whether annual billing comes with a discount."},
		{"Follow-up: {topic}", "Sent {first} the recap from our call plus the two docs they asked for. Next step: their team reviews internally and comes back by {day}."},
		{"Intro: {company} <> us", "Warm intro from an investor. {first} is looking at tools for {topic}; suggested a 30-minute call next week."},
		{"Question about invoices", "{first} asked why last month's invoice showed two seats more than expected. Explained the prorated add-ons and sent a corrected PDF."},
		{"Contract redlines", "Legal at {company} returned redlines on the MSA: liability cap and data-processing addendum. Forwarded to our counsel; target signature before month end."},
	},
	"MEETING": {
		{"Discovery call with {company}", "Good first call with {first}. Current process is spreadsheets plus a shared inbox; pain is losing track of follow-ups. Budget approved for this quarter. Agreed to a demo for the wider team."},
		{"Demo for the {company} team", "Demoed the timeline, search and reporting to {first} and three colleagues. Strong interest in {topic}. Concern: migration effort from their current tool."},
		{"Quarterly business review", "QBR with {first}. Usage up 18% quarter on quarter; two teams not yet onboarded. Action items: training session, share roadmap for {topic}."},
		{"Negotiation call", "Walked {first} through pricing options. They pushed for a multi-year discount; offered 10% for a two-year term. Waiting on their CFO."},
	},
	"DIRECT_MESSAGE": {
		{"LinkedIn message from {first}", "{first} reached out on LinkedIn asking whether we support {topic}. Replied with a short overview and a calendar link."},
		{"Slack: quick question", "{first} pinged in the shared Slack channel: is there a sandbox they can test {topic} in? Sent access instructions."},
		{"Message: running late", "{first} is running ten minutes late for today's call."},
	},
	"MEMO": {
		{"Account notes: {company}", "Internal note: {company} is a good fit for the case-study program. {first} is the champion; procurement is the bottleneck. Revisit after {topic} closes."},
		{"Deal risk", "Risk: {first} mentioned a competitor offering a lower price for {topic}. Prepare a value comparison before the next call."},
		{"Handover note", "Handing {company} over to customer success. Key contacts: {first}. Open items: {topic}."},
	},
	"BOOKING_CREATED": {
		{"Booked: 30 min with {first}", "{first} booked a 30-minute call via the scheduling link for {day} to talk about {topic}."},
		{"Booked: product demo", "{first} from {company} booked a product demo through the website."},
	},
	"BOOKING_CANCELLED": {
		{"Cancelled: 30 min with {first}", "{first} cancelled the booking for {day}: conflicting board meeting. Asked to rebook next week."},
		{"Cancelled: product demo", "Demo with {company} was cancelled by the attendee; no reason given."},
	},
	"MANUAL": {
		{"Phone call with {first}", "Called {first} about {topic}. They are happy with the product so far; asked for a short training video for new hires."},
		{"Met {first} at a conference", "Ran into {first} at the industry meetup. Talked about {topic}; promised to send the benchmark report."},
		{"Sent a gift", "Sent {first} a thank-you package after the signature."},
	},
	"API_EVENT": {
		{"Trial started", "{company} started a 14-day trial (plan: Growth, 5 seats)."},
		{"Invoice paid", "Invoice paid by {company} via card. Amount: $2,400.00."},
		{"Seats added", "{company} added 3 seats (now 12)."},
		{"Webinar attended", "{first} attended the webinar on {topic} and stayed for the Q&A."},
	},
	"VOICE_NOTE": {
		{"Voice note after call with {first}", "Quick voice note: {first} sounded positive about {topic}, but the decision slips to next quarter. Follow up in three weeks."},
		{"Voice note: {company} visit", "Visited {company}'s office. Nice team, busy floor. {first} wants a proposal covering {topic} by {day}."},
	},
}

// htmlSummaries are a few notes with light HTML markup, as synced email
// bodies often carry.
var htmlSummaries = []template{
	{"Proposal sent to {company}", `<p>Hi {first},</p><p>Attached is the <b>revised proposal</b> for {topic}.</p><ul><li>Growth plan, 12 seats</li><li>Onboarding included</li></ul><p>Details on our <a href="https://pricing.example/growth">pricing page</a>.</p>`},
	{"Re: next steps", `<div>Thanks {first}! Confirming next steps:<br>1. Security review<br>2. Pilot with the ops team<br><i>Sent from my phone</i></div>`},
	{"Newsletter reply", `<p>{first} replied to the newsletter: <em>"Loved the piece on {topic}."</em></p><script>trackOpen()</script>`},
}

// pairs lists the (type, direction) combinations the demo uses; each one
// appears at least once.
var pairs = map[string][]string{
	"EMAIL":             {"INBOUND", "OUTBOUND"},
	"MEETING":           {"HYBRID", "OUTBOUND", "INBOUND"},
	"DIRECT_MESSAGE":    {"INBOUND", "OUTBOUND"},
	"MEMO":              {"INTERNAL"},
	"BOOKING_CREATED":   {"EVENT", "INBOUND"},
	"BOOKING_CANCELLED": {"EVENT"},
	"MANUAL":            {"OUTBOUND", "INTERNAL", "HYBRID"},
	"API_EVENT":         {"EVENT"},
	"VOICE_NOTE":        {"INTERNAL", "OUTBOUND"},
}

// sources names where each type of interaction came from.
var sources = map[string]string{
	"EMAIL": "EMAIL", "MEETING": "CALENDAR", "DIRECT_MESSAGE": "LINKEDIN", "MEMO": "KLIPY",
	"BOOKING_CREATED": "BOOKING_LINK", "BOOKING_CANCELLED": "BOOKING_LINK", "MANUAL": "KLIPY",
	"API_EVENT": "API", "VOICE_NOTE": "KLIPY",
}
