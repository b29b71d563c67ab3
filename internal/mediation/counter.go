package mediation

// CounterFamily names what a statistics counter counts.
type CounterFamily string

// The families of counters the store keeps for the street office's tables.
const (
	// CountOpened counts cases by the month of their acceptance (受理),
	// category, community and source.
	CountOpened CounterFamily = "opened"
	// CountClosed counts closed cases by the month they closed, category,
	// community, source and outcome.
	CountClosed CounterFamily = "closed"
	// CountDays counts closed cases by the month they closed, category and
	// the days from acceptance to close (Value).
	CountDays CounterFamily = "days"
	// CountSessions counts closed cases by the month they closed, category
	// and the sessions held in them (Value).
	CountSessions CounterFamily = "sessions"
	// CountTerms counts agreement terms found at return visits by the month
	// of the visit, category and performance (performed, partly,
	// not_performed).
	CountTerms CounterFamily = "terms"
)

// Outcomes are the ways a closed case ends, in display order.
var Outcomes = []Status{StatusAgreement, StatusNoAgreement, StatusWithdrawn}

// Counter is one maintained statistics counter: N cases (or terms) of one
// family, month (YYYY-MM) and combination of the family's dimensions. The
// dimensions a family does not have are empty.
type Counter struct {
	Family      CounterFamily
	Month       string
	Category    Category
	Community   string
	Source      Source
	Outcome     Status
	Value       int    // days to close (CountDays), sessions held (CountSessions)
	Performance string // CountTerms
	N           int64
}
