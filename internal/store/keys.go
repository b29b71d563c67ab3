package store

import (
	"encoding/binary"

	"tiaojie/internal/mediation"
)

// Bucket names. Every bucket is created in one transaction at Open.
var (
	bucketMeta            = []byte("meta")
	bucketUsers           = []byte("users")
	bucketUsersByName     = []byte("users_by_name")
	bucketLogins          = []byte("logins")
	bucketLoginsByParty   = []byte("logins_by_party")      // party id + login id
	bucketInvitations     = []byte("invitations")          // token hash → invitation
	bucketInvitationParty = []byte("invitations_by_party") // party id → token hash
	bucketCases           = []byte("cases")
	bucketCasesByMediator = []byte("cases_by_mediator") // user id + case id
	bucketCasesByStatus   = []byte("cases_by_status")   // status + 0 + case id
	bucketParties         = []byte("parties")
	bucketPartiesByCase   = []byte("parties_by_case") // case id + party id
	bucketSubmissions     = []byte("submissions")
	bucketSubsByCase      = []byte("submissions_by_case")  // case id + submission id
	bucketSubsByParty     = []byte("submissions_by_party") // party id + submission id
	bucketSubsReleased    = []byte("submissions_released") // case id + submission id
	bucketAudit           = []byte("audit")                // seq → entry
	bucketAuditByCase     = []byte("audit_by_case")        // case id + seq
	bucketSeen            = []byte("seen")                 // user id + case id → last submission id seen
	bucketIdempotency     = []byte("idempotency")          // scoped key hash → what the keyed mutation made
)

var allBuckets = [][]byte{bucketMeta, bucketUsers, bucketUsersByName, bucketLogins,
	bucketLoginsByParty, bucketInvitations, bucketInvitationParty, bucketCases,
	bucketCasesByMediator, bucketCasesByStatus, bucketParties, bucketPartiesByCase,
	bucketSubmissions, bucketSubsByCase, bucketSubsByParty, bucketSubsReleased, bucketAudit,
	bucketAuditByCase, bucketSeen, bucketIdempotency}

// Keys in the meta bucket.
var (
	metaSchema    = []byte("schema_version")
	metaAuditHead = []byte("audit_head")
)

// itob encodes an ID big-endian, so that keys sort in numeric order.
func itob(id uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, id)
	return b
}

func btoi(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// pair is the key of a two-ID index entry: the owner's ID, then the member's.
func pair(owner, member mediation.ID) []byte {
	b := make([]byte, 16)
	binary.BigEndian.PutUint64(b, uint64(owner))
	binary.BigEndian.PutUint64(b[8:], uint64(member))
	return b
}

func statusKey(s mediation.Status, id mediation.ID) []byte {
	return append(append([]byte(s), 0), itob(uint64(id))...)
}
