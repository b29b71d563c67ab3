// Package templates holds the server-rendered pages: a base layout, partials,
// one file per page and the stylesheet, embedded so that the binary carries
// them. Page names are typed constants; the web package checks at start that
// every page file is declared and every declared page has a file.
package templates

import "embed"

// FS holds every template and static file.
//
//go:embed layouts/*.html partials/*.html pages/*.html static/*
var FS embed.FS

// Page names one page template, pages/<name>.html.
type Page string

// The pages.
const (
	PageLogin      Page = "login"      // staff sign-in
	PageCases      Page = "cases"      // a mediator's or admin's list of cases
	PageCaseNew    Page = "case_new"   // open a case
	PageCase       Page = "case"       // a case as its mediators see it
	PageMyCase     Page = "my_case"    // a case as one of its parties sees it
	PageCaseMeta   Page = "case_meta"  // a case as the admin sees it: metadata and mediators
	PagePartyNew   Page = "party_new"  // add a party
	PageInvitation Page = "invitation" // a party's invitation: link, QR code, printable slip
	PageRelease    Page = "release"    // confirm releasing a submission to all parties
	PageEnter      Page = "enter"      // a party's invitation link: enter the case
	PageUsers      Page = "users"      // staff accounts
	PageOffice     Page = "office"     // the street office's start page
	PageError      Page = "error"      // 403, 404, 500 and the like
	PageRecord     Page = "record"     // a session's mediation record (调解笔录)
	PageCalendar   Page = "calendar"   // a mediator's week across its cases
	PageSession    Page = "session"    // one session: reschedule it, cancel, postpone or log it held

	// Party corrections.
	PagePartyEdit Page = "party_edit" // correct a party, or take off one that never entered
	// A form that arrived after its login expired: what was typed and the way back in.
	PageExpired Page = "expired"
	// Agreements (调解协议书).
	PageAgreement      Page = "agreement"       // an agreement: read, compare, revise, propose, sign, decline
	PageAgreementPrint Page = "agreement_print" // the printed 人民调解协议书, one copy per party and one for the file
	// Closing, the mediator's own neutrality and recusals.
	PageCaseFile  Page = "case_file" // the printable case file (卷宗), A4
	PageInterests Page = "interests" // a mediator's conflict-of-interest profile
)

// Pages lists every page.
var Pages = []Page{PageLogin, PageCases, PageCaseNew, PageCase, PageMyCase, PageCaseMeta,
	PagePartyNew, PageInvitation, PageRelease, PageEnter, PageUsers, PageOffice, PageError,
	PageRecord, PageCalendar, PageSession,
	PagePartyEdit, PageExpired,
	PageAgreement, PageAgreementPrint,
	PageCaseFile, PageInterests}
