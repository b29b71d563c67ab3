package policies

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
)

// The subjects of the decision table: one per role, plus one that holds none.
const (
	subAdmin    = "u:1"
	subOffice   = "u:2"
	subAccount  = "u:3"
	subMediator = "u:7"
	subParty    = "p:19"
	subNobody   = "u:99"
	// subCaretaker is an admin on case:42 while it has no active mediator.
	subCaretaker = "u:4"

	otherParty = "p:20"
	sameCase   = "case:42"
	otherCase  = "case:43"
	global     = "*"
)

// grants are the g lines the table is evaluated against, in the shape the
// store will produce them.
var grants = [][]string{
	{subAdmin, "role:admin", global},
	{subOffice, "role:office", global},
	{subAccount, "role:mediator_account", global},
	{subMediator, "role:mediator", sameCase},
	{subParty, "role:party", sameCase},
	{subCaretaker, "role:caretaker", sameCase},
}

// tableSubjects names the table rows; the order is the order of failure messages.
var tableSubjects = []struct{ name, sub string }{
	{"role:admin", subAdmin},
	{"role:office", subOffice},
	{"role:mediator_account", subAccount},
	{"role:mediator", subMediator},
	{"role:party", subParty},
	{"role:caretaker", subCaretaker},
	{"no role", subNobody},
}

// columns are the actions, in the order of the letters in each row of want.
var columns = []string{"create", "read", "read_meta", "read_overview", "list", "update", "transition", "assign", "remove", "release", "redeem", "reset"}

// Cell codes. Each expands to six decisions: owner (the subject itself, or
// another party) × domain (case:42, where the per-case grants are; case:43,
// another case; "*", the domain of global objects).
//
//	.  denied in all six
//	G  allowed in all six (a global role)
//	C  allowed for any owner in case:42 only
//	S  allowed only in case:42 and only when the subject owns the object
//	O  allowed wherever the subject owns the object (a global role's own account)
var codes = map[string]func(self bool, dom string) bool{
	".": func(bool, string) bool { return false },
	"G": func(bool, string) bool { return true },
	"C": func(_ bool, dom string) bool { return dom == sameCase },
	"S": func(self bool, dom string) bool { return self && dom == sameCase },
	"O": func(self bool, _ string) bool { return self },
}

// want is the neutrality of the system, written out by hand on purpose: a
// change to policy.csv that is not mirrored here fails the test. Every role
// must list every object kind, and every row every action.
var want = map[string]map[string]string{
	// Columns: cre=create rd=read rdm=read_meta rdo=read_overview lst=list
	// upd=update trn=transition asg=assign rem=remove rel=release red=redeem.
	"role:admin": {
		//                      cre rd  rdm rdo lst upd trn asg rem rel red rst
		"user":                "G   G   .   .   .   G   .   .   .   .   .   .",
		"case":                ".   .   G   .   G   .   .   .   .   .   .   .",
		"mediator":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"party":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"party_contact":       ".   .   .   .   .   .   .   .   .   .   .   .",
		"invitation":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"submission":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"released_submission": ".   .   .   .   .   .   .   .   .   .   .   .",
		"audit":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"stats":               ".   G   .   .   .   .   .   .   .   .   .   .",
		"backup":              ".   G   .   .   .   .   .   .   .   .   .   .",
		"calendar":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"pin":                 ".   .   .   .   .   .   .   .   .   .   .   .",
		"password":            ".   .   .   .   .   O   .   .   .   .   .   .",
		"session":             ".   .   .   .   .   .   .   .   .   .   .   .",
		"caucus":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"session_record":      ".   .   .   .   .   .   .   .   .   .   .   .",
		"deadline":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"attachment":          ".   .   .   .   .   .   .   .   .   .   .   .",
		// Agreements and return visits.
		"agreement":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_draft":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"signature":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_decline": ".   .   .   .   .   .   .   .   .   .   .   .",
		"visit":             ".   .   .   .   .   .   .   .   .   .   .   .",
		// Closing, the mediator's own neutrality and recusals.
		"case_file": ".   .   .   .   .   .   .   .   .   .   .   .",
		"recusal":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"interests": ".   .   .   .   .   .   .   .   .   .   .   .",
	},
	"role:office": {
		//                      cre rd  rdm rdo lst upd trn asg rem rel red rst
		"user":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"case":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"mediator":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"party":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"party_contact":       ".   .   .   .   .   .   .   .   .   .   .   .",
		"invitation":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"submission":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"released_submission": ".   .   .   .   .   .   .   .   .   .   .   .",
		"audit":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"stats":               ".   G   .   .   .   .   .   .   .   .   .   .",
		"backup":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"calendar":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"pin":                 ".   .   .   .   .   .   .   .   .   .   .   .",
		"password":            ".   .   .   .   .   O   .   .   .   .   .   .",
		"session":             ".   .   .   .   .   .   .   .   .   .   .   .",
		"caucus":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"session_record":      ".   .   .   .   .   .   .   .   .   .   .   .",
		"deadline":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"attachment":          ".   .   .   .   .   .   .   .   .   .   .   .",
		// Agreements and return visits.
		"agreement":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_draft":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"signature":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_decline": ".   .   .   .   .   .   .   .   .   .   .   .",
		"visit":             ".   .   .   .   .   .   .   .   .   .   .   .",
		// Closing, the mediator's own neutrality and recusals.
		"case_file": ".   .   .   .   .   .   .   .   .   .   .   .",
		"recusal":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"interests": ".   .   .   .   .   .   .   .   .   .   .   .",
	},
	"role:mediator_account": {
		//                      cre rd  rdm rdo lst upd trn asg rem rel red rst
		"user":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"case":                "G   .   .   .   G   .   .   .   .   .   .   .",
		"mediator":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"party":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"party_contact":       ".   .   .   .   .   .   .   .   .   .   .   .",
		"invitation":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"submission":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"released_submission": ".   .   .   .   .   .   .   .   .   .   .   .",
		"audit":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"stats":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"backup":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"calendar":            ".   G   .   .   .   G   .   .   .   .   .   .",
		"pin":                 ".   .   .   .   .   .   .   .   .   .   .   .",
		"password":            ".   .   .   .   .   O   .   .   .   .   .   .",
		"session":             ".   .   .   .   .   .   .   .   .   .   .   .",
		"caucus":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"session_record":      ".   .   .   .   .   .   .   .   .   .   .   .",
		"deadline":            ".   .   .   .   G   .   .   .   .   .   .   .",
		"attachment":          ".   .   .   .   .   .   .   .   .   .   .   .",
		// Agreements and return visits.
		"agreement":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_draft":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"signature":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_decline": ".   .   .   .   .   .   .   .   .   .   .   .",
		"visit":             ".   .   .   .   .   .   .   .   .   .   .   .",
		// Closing, the mediator's own neutrality and recusals.
		"case_file": ".   .   .   .   .   .   .   .   .   .   .   .",
		"recusal":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"interests": ".   O   .   .   .   O   .   .   .   .   .   .",
	},
	"role:mediator": {
		//                      cre rd  rdm rdo lst upd trn asg rem rel red rst
		"user":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"case":                ".   C   C   .   .   C   C   .   .   .   .   .",
		"mediator":            ".   .   .   .   .   .   .   C   S   .   .   .",
		"party":               "C   C   .   .   .   C   .   .   C   .   .   .", // upd, rem: party corrections
		"party_contact":       ".   C   .   .   .   .   .   .   .   .   .   .",
		"invitation":          "C   .   .   .   .   .   .   .   .   .   .   .",
		"submission":          "C   C   .   .   .   .   .   .   .   .   .   .",
		"released_submission": ".   C   .   .   .   .   .   .   .   .   .   .",
		"audit":               ".   C   .   .   .   .   .   .   .   .   .   .",
		"stats":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"backup":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"calendar":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"pin":                 ".   .   .   .   .   .   .   .   .   .   .   C",
		"password":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"session":             "C   C   .   .   .   C   .   .   .   .   .   .",
		"caucus":              ".   C   .   .   .   C   .   .   .   .   .   .",
		"session_record":      ".   C   .   .   .   C   .   .   .   .   .   .",
		"deadline":            ".   C   .   .   .   .   .   .   .   .   .   .",
		"attachment":          "C   .   .   .   .   .   .   .   .   .   .   .",
		// Agreements and return visits.
		"agreement":         ".   C   .   .   .   .   .   .   .   .   .   .",
		"agreement_draft":   "C   C   .   .   .   C   C   .   .   .   .   .",
		"signature":         "S   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_decline": ".   .   .   .   .   .   .   .   .   .   .   .",
		"visit":             "C   C   .   .   .   .   .   .   .   .   .   .",
		// Closing, the mediator's own neutrality and recusals.
		"case_file": ".   C   .   .   .   C   .   .   .   .   .   .",
		"recusal":   ".   C   .   .   .   .   .   .   .   .   .   .",
		"interests": ".   .   .   .   .   .   .   .   .   .   .   .",
	},
	"role:party": {
		//                      cre rd  rdm rdo lst upd trn asg rem rel red rst
		"user":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"case":                ".   .   .   C   C   .   .   .   .   .   .   .",
		"mediator":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"party":               ".   C   .   .   .   .   .   .   .   .   .   .",
		"party_contact":       ".   S   .   .   .   .   .   .   .   .   .   .",
		"invitation":          ".   .   .   .   .   .   .   .   .   .   C   .",
		"submission":          "S   S   .   .   .   .   .   .   .   S   .   .",
		"released_submission": ".   C   .   .   .   .   .   .   .   S   .   .",
		"audit":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"stats":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"backup":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"calendar":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"pin":                 ".   .   .   .   .   .   .   .   .   .   .   .",
		"password":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"session":             ".   C   .   .   .   .   .   .   .   .   .   .",
		"caucus":              ".   S   .   .   .   .   .   .   .   .   .   .",
		"session_record":      ".   .   .   .   .   .   .   .   .   .   .   .",
		"deadline":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"attachment":          "S   .   .   .   .   .   .   .   .   .   .   .",
		// Agreements and return visits.
		"agreement":         ".   C   .   .   .   .   .   .   .   .   .   .",
		"agreement_draft":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"signature":         "S   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_decline": "S   .   .   .   .   .   .   .   .   .   .   .",
		"visit":             ".   .   .   .   .   .   .   .   .   .   .   .",
		// Closing, the mediator's own neutrality and recusals.
		"case_file": ".   .   .   .   .   .   .   .   .   .   .   .",
		"recusal":   "S   S   .   .   .   .   .   .   .   .   .   .",
		"interests": ".   .   .   .   .   .   .   .   .   .   .   .",
	},
	"role:caretaker": {
		//                      cre rd  rdm rdo lst upd trn asg rem rel red rst
		"user":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"case":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"mediator":            ".   .   .   .   .   .   .   C   C   .   .   .",
		"party":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"party_contact":       ".   .   .   .   .   .   .   .   .   .   .   .",
		"invitation":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"submission":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"released_submission": ".   .   .   .   .   .   .   .   .   .   .   .",
		"audit":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"stats":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"backup":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"calendar":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"pin":                 ".   .   .   .   .   .   .   .   .   .   .   .",
		"password":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"session":             ".   .   .   .   .   .   .   .   .   .   .   .",
		"caucus":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"session_record":      ".   .   .   .   .   .   .   .   .   .   .   .",
		"deadline":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"attachment":          ".   .   .   .   .   .   .   .   .   .   .   .",
		// Agreements and return visits.
		"agreement":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_draft":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"signature":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_decline": ".   .   .   .   .   .   .   .   .   .   .   .",
		"visit":             ".   .   .   .   .   .   .   .   .   .   .   .",
		// Closing, the mediator's own neutrality and recusals.
		"case_file": ".   .   .   .   .   .   .   .   .   .   .   .",
		"recusal":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"interests": ".   .   .   .   .   .   .   .   .   .   .   .",
	},
	"no role": {
		//                      cre rd  rdm rdo lst upd trn asg rem rel red rst
		"user":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"case":                ".   .   .   .   .   .   .   .   .   .   .   .",
		"mediator":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"party":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"party_contact":       ".   .   .   .   .   .   .   .   .   .   .   .",
		"invitation":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"submission":          ".   .   .   .   .   .   .   .   .   .   .   .",
		"released_submission": ".   .   .   .   .   .   .   .   .   .   .   .",
		"audit":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"stats":               ".   .   .   .   .   .   .   .   .   .   .   .",
		"backup":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"calendar":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"pin":                 ".   .   .   .   .   .   .   .   .   .   .   .",
		"password":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"session":             ".   .   .   .   .   .   .   .   .   .   .   .",
		"caucus":              ".   .   .   .   .   .   .   .   .   .   .   .",
		"session_record":      ".   .   .   .   .   .   .   .   .   .   .   .",
		"deadline":            ".   .   .   .   .   .   .   .   .   .   .   .",
		"attachment":          ".   .   .   .   .   .   .   .   .   .   .   .",
		// Agreements and return visits.
		"agreement":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_draft":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"signature":         ".   .   .   .   .   .   .   .   .   .   .   .",
		"agreement_decline": ".   .   .   .   .   .   .   .   .   .   .   .",
		"visit":             ".   .   .   .   .   .   .   .   .   .   .   .",
		// Closing, the mediator's own neutrality and recusals.
		"case_file": ".   .   .   .   .   .   .   .   .   .   .   .",
		"recusal":   ".   .   .   .   .   .   .   .   .   .   .   .",
		"interests": ".   .   .   .   .   .   .   .   .   .   .   .",
	},
}

var token = regexp.MustCompile(`^[a-z_:*]+$`)

// rules reads policy.csv strictly, so that a malformed line fails here
// rather than being skipped by a lenient loader.
func rules(t *testing.T) [][]string {
	t.Helper()
	var out [][]string
	for i, line := range strings.Split(Policy, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, ",")
		for j := range fields {
			fields[j] = strings.TrimSpace(fields[j])
			if !token.MatchString(fields[j]) {
				t.Fatalf("policy.csv:%d: field %q is not a plain token", i+1, fields[j])
			}
		}
		if len(fields) != 6 || fields[0] != "p" {
			t.Fatalf("policy.csv:%d: want a p line with 5 fields, got %q", i+1, line)
		}
		out = append(out, fields[1:])
	}
	return out
}

func enforcer(t *testing.T) *casbin.Enforcer {
	t.Helper()
	m, err := model.NewModelFromString(Model)
	if err != nil {
		t.Fatalf("model.conf: %v", err)
	}
	e, err := casbin.NewEnforcer(m)
	if err != nil {
		t.Fatalf("enforcer: %v", err)
	}
	if _, err := e.AddPolicies(rules(t)); err != nil {
		t.Fatalf("policies: %v", err)
	}
	if _, err := e.AddGroupingPolicies(grants); err != nil {
		t.Fatalf("grants: %v", err)
	}
	return e
}

func enforce(t *testing.T, e *casbin.Enforcer, sub, dom, obj, act, owner string) bool {
	t.Helper()
	ok, err := e.Enforce(sub, dom, obj, act, owner)
	if err != nil {
		t.Fatalf("enforce(%s, %s, %s, %s, %s): %v", sub, dom, obj, act, owner, err)
	}
	return ok
}

func TestPolicyFileShape(t *testing.T) {
	roles := []string{"role:admin", "role:office", "role:mediator_account", "role:mediator", "role:party", "role:caretaker"}
	seen := map[string]bool{}
	for _, r := range rules(t) {
		key := strings.Join(r, ", ")
		if seen[key] {
			t.Errorf("duplicate rule %q", key)
		}
		seen[key] = true
		if !slices.Contains(roles, r[0]) {
			t.Errorf("rule %q: unknown role", key)
		}
		// Which cases a role reaches must be decided by grants alone.
		if r[1] != global {
			t.Errorf("rule %q: domain must be *", key)
		}
		if !slices.Contains(Objects, r[2]) {
			t.Errorf("rule %q: object kind missing from Objects", key)
		}
		if !slices.Contains(Actions, r[3]) {
			t.Errorf("rule %q: action missing from Actions", key)
		}
		if r[4] != "any" && r[4] != "self" {
			t.Errorf("rule %q: scope must be any or self", key)
		}
	}
}

func TestDecisionTable(t *testing.T) {
	if !sameSet(columns, Actions) {
		t.Fatalf("table columns %v do not match Actions %v", columns, Actions)
	}
	if len(want) != len(tableSubjects) {
		t.Fatalf("table has %d roles, want %d", len(want), len(tableSubjects))
	}
	e := enforcer(t)
	checked := 0
	for _, s := range tableSubjects {
		rows, ok := want[s.name]
		if !ok {
			t.Fatalf("table has no entry for %s", s.name)
		}
		for obj := range rows {
			if !slices.Contains(Objects, obj) {
				t.Errorf("%s: table lists unknown object %q", s.name, obj)
			}
		}
		for _, obj := range Objects {
			row, ok := rows[obj]
			if !ok {
				t.Errorf("%s: table has no row for object %q", s.name, obj)
				continue
			}
			cells := strings.Fields(row)
			if len(cells) != len(columns) {
				t.Errorf("%s %s: row has %d cells, want %d", s.name, obj, len(cells), len(columns))
				continue
			}
			for i, act := range columns {
				expect, ok := codes[cells[i]]
				if !ok {
					t.Errorf("%s %s %s: unknown code %q", s.name, obj, act, cells[i])
					continue
				}
				for _, dom := range []string{sameCase, otherCase, global} {
					for _, self := range []bool{true, false} {
						owner := otherParty
						if self {
							owner = s.sub
						}
						got := enforce(t, e, s.sub, dom, obj, act, owner)
						if w := expect(self, dom); got != w {
							t.Errorf("%s (%s) %s %s in %s owned by %s: got allow=%v, want %v",
								s.name, s.sub, act, obj, dom, owner, got, w)
						}
						checked++
					}
				}
			}
		}
	}
	if w := len(tableSubjects) * len(Objects) * len(Actions) * 3 * 2; checked != w {
		t.Errorf("checked %d combinations, want %d", checked, w)
	}
}

// TestNeutrality restates, independently of the table, the promises an
// auditor cares most about.
func TestNeutrality(t *testing.T) {
	e := enforcer(t)
	each := func(f func(obj, act string)) {
		for _, obj := range Objects {
			for _, act := range Actions {
				f(obj, act)
			}
		}
	}

	t.Run("mediator of case:42 reaches nothing in case:43", func(t *testing.T) {
		each(func(obj, act string) {
			for _, owner := range []string{"", subMediator, otherParty} {
				if enforce(t, e, subMediator, otherCase, obj, act, owner) {
					t.Errorf("allowed %s %s owned by %q", act, obj, owner)
				}
			}
		})
	})
	t.Run("party of case:42 reaches nothing in case:43", func(t *testing.T) {
		each(func(obj, act string) {
			for _, owner := range []string{"", subParty, otherParty} {
				if enforce(t, e, subParty, otherCase, obj, act, owner) {
					t.Errorf("allowed %s %s owned by %q", act, obj, owner)
				}
			}
		})
	})
	t.Run("party reads its own submission, not another's", func(t *testing.T) {
		if !enforce(t, e, subParty, sameCase, "submission", "read", subParty) {
			t.Error("own submission denied")
		}
		if enforce(t, e, subParty, sameCase, "submission", "read", otherParty) {
			t.Error("another party's submission allowed")
		}
		if enforce(t, e, subParty, sameCase, "party_contact", "read", otherParty) {
			t.Error("another party's contact allowed")
		}
		if !enforce(t, e, subParty, sameCase, "released_submission", "read", otherParty) {
			t.Error("another party's released submission denied")
		}
	})
	t.Run("admin never reads case content", func(t *testing.T) {
		for _, obj := range []string{"submission", "released_submission", "party_contact", "audit", "party"} {
			for _, dom := range []string{sameCase, otherCase, global} {
				if enforce(t, e, subAdmin, dom, obj, "read", otherParty) {
					t.Errorf("admin reads %s in %s", obj, dom)
				}
			}
		}
		if enforce(t, e, subAdmin, sameCase, "case", "read", "") {
			t.Error("admin reads case content")
		}
	})
	t.Run("admin chooses no mediator of a case it does not care for", func(t *testing.T) {
		for _, act := range []string{"assign", "remove"} {
			for _, dom := range []string{sameCase, otherCase, global} {
				if enforce(t, e, subAdmin, dom, "mediator", act, "") {
					t.Errorf("admin may %s a mediator in %s without role:caretaker there", act, dom)
				}
			}
		}
	})
	t.Run("office reads only stats", func(t *testing.T) {
		each(func(obj, act string) {
			for _, dom := range []string{sameCase, global} {
				got := enforce(t, e, subOffice, dom, obj, act, "")
				if got != (obj == "stats" && act == "read") && obj != "password" {
					t.Errorf("office %s %s in %s: allow=%v", act, obj, dom, got)
				}
			}
		})
	})
	t.Run("per-case grants do not reach global objects", func(t *testing.T) {
		each(func(obj, act string) {
			for _, sub := range []string{subMediator, subParty} {
				if enforce(t, e, sub, global, obj, act, sub) {
					t.Errorf("%s allowed %s %s in *", sub, act, obj)
				}
			}
		})
	})
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}
