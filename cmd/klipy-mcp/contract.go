package main

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// shape is the contract's view of one JSON object: the fields it documents
// and which of them are required. A test checks these lists against
// klipy/openapi.yaml, so they cannot silently drift from the contract.
type shape struct {
	Schema   string // the contract's schema name
	Fields   []string
	Required []string
}

// The shapes doctor compares responses with (klipy/openapi.yaml,
// components/schemas).
var (
	shapeEnvelope = shape{Schema: "SuccessEnvelope", Fields: []string{"object", "data", "meta"}, Required: []string{"object", "data", "meta"}}
	shapeList     = shape{Schema: "ListEnvelope", Fields: []string{"object", "data", "meta", "page_info"}, Required: []string{"object", "data", "meta", "page_info"}}
	shapeMeta     = shape{Schema: "Meta", Fields: []string{"request_id", "api_version", "timestamp"}, Required: []string{"request_id", "api_version", "timestamp"}}
	shapePageInfo = shape{Schema: "PageInfo", Fields: []string{"has_next_page", "end_cursor"}}
	shapeAuth     = shape{Schema: "AuthenticateData", Fields: []string{"team_name", "organization_id", "scopes"}}
	shapePerson   = shape{Schema: "Person", Fields: []string{"id", "email", "firstName", "lastName", "title", "phone",
		"linkedin", "companyId", "remarks", "createdAt", "updatedAt"}, Required: []string{"id"}}
	shapeCompany = shape{Schema: "Company", Fields: []string{"id", "name", "domain", "industry", "employeeCount",
		"estimatedRevenue", "city", "state", "country", "linkedin", "website", "createdAt", "updatedAt"}, Required: []string{"id"}}
	shapeInteraction = shape{Schema: "Interaction", Fields: []string{"id", "companies", "contacts", "direction", "sentiment",
		"source", "summary", "title", "type", "createdBy", "creationTime", "interactionDate"}}
)

// drift is what one response says that the contract does not, or the
// other way round. Paths name fields like "data[].email" or "meta".
type drift struct {
	Unknown         []string // fields the contract does not document
	MissingRequired []string // required fields that are absent
	MissingOptional []string // documented optional fields that are absent
}

// compareResponse compares a raw response body with the contract: the
// envelope, its meta and page_info, and the record(s) in data.
func compareResponse(body []byte, record shape, list bool) (drift, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return drift{}, fmt.Errorf("the response is not a JSON object: %v", err)
	}
	var d drift
	env := shapeEnvelope
	if list {
		env = shapeList
	}
	d.add("", env, top)
	d.addNested("meta", shapeMeta, top["meta"])
	if list {
		d.addNested("page_info", shapePageInfo, top["page_info"])
		d.addRecords(record, top["data"])
	} else {
		d.addNested("data", record, top["data"])
	}
	return d, nil
}

// add compares the keys of one object with s; prefix names the object.
func (d *drift) add(prefix string, s shape, obj map[string]json.RawMessage) {
	for _, k := range slices.Sorted(maps.Keys(obj)) {
		if !slices.Contains(s.Fields, k) {
			d.Unknown = append(d.Unknown, join(prefix, k))
		}
	}
	for _, f := range s.Fields {
		if _, ok := obj[f]; ok {
			continue
		}
		if slices.Contains(s.Required, f) {
			d.MissingRequired = append(d.MissingRequired, join(prefix, f))
		} else {
			d.MissingOptional = append(d.MissingOptional, join(prefix, f))
		}
	}
}

// addNested compares the object in raw, when raw is one.
func (d *drift) addNested(name string, s shape, raw json.RawMessage) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) == nil && obj != nil {
		d.add(name, s, obj)
	}
}

// addRecords compares every object of the array in raw, reporting each
// field once.
func (d *drift) addRecords(s shape, raw json.RawMessage) {
	var items []map[string]json.RawMessage
	if json.Unmarshal(raw, &items) != nil {
		return
	}
	var all drift
	for _, it := range items {
		all.add("data[]", s, it)
	}
	d.Unknown = append(d.Unknown, uniq(all.Unknown)...)
	d.MissingRequired = append(d.MissingRequired, uniq(all.MissingRequired)...)
	d.MissingOptional = append(d.MissingOptional, uniq(all.MissingOptional)...)
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// addFields compares the union of the fields of a list's records, found
// under prefix (e.g. "data.edges[]"), with s.
func (d *drift) addFields(prefix string, s shape, fields []string) {
	for _, f := range fields {
		if !slices.Contains(s.Fields, f) {
			d.Unknown = append(d.Unknown, join(prefix, f))
		}
	}
	for _, f := range s.Fields {
		switch {
		case slices.Contains(fields, f):
		case slices.Contains(s.Required, f):
			d.MissingRequired = append(d.MissingRequired, join(prefix, f))
		default:
			d.MissingOptional = append(d.MissingOptional, join(prefix, f))
		}
	}
}
