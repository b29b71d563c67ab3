package web

// flashes are the messages a redirect after a successful form may ask the
// next page to show (?done=KEY, catalogue key flash.KEY): the address
// carries only one of these keys, never anything typed.
var flashes = []string{
	"case_created", "case_updated", "status_changed", "mediator_assigned", "mediator_removed",
	"party_added", "party_updated", "party_removed", "invitation_new", "pin_reset",
	"submission_sent", "released", "session_scheduled", "record_saved", "user_created", "feed_issued",
	"term_extended", "session_changed",
	"agreement_saved", "agreement_proposed", "agreement_signed", "agreement_declined", "visit_saved",
	"attached", "file_updated", "recusal_requested", "interests_saved",
}
