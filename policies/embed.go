// Package policies ships the casbin model and role rules that enforce the
// neutrality of mediation. They are embedded so that the binary cannot run
// with rules other than the audited ones.
package policies

import _ "embed"

// Model is the casbin model (model.conf).
//
//go:embed model.conf
var Model string

// Policy is the role rules (policy.csv): only p lines, no grants.
//
//go:embed policy.csv
var Policy string

// Objects lists every object kind the rules speak about.
var Objects = []string{
	"user", "case", "mediator", "party", "party_contact", "invitation",
	"submission", "released_submission", "audit", "stats", "backup", "calendar", "password", "pin",
	"session", "caucus", "session_record", "deadline",
	// Attachments.
	"attachment",
	// Agreements and return visits.
	"agreement", "agreement_draft", "signature", "agreement_decline", "visit",
}

// Actions lists every action the rules speak about.
var Actions = []string{
	"create", "read", "read_meta", "read_overview", "list", "update",
	"transition", "assign", "remove", "release", "redeem", "reset",
}
