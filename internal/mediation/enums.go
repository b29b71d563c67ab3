package mediation

// Role is a staff account's role. Parties have no account and no Role.
type Role string

// Staff roles.
const (
	RoleMediator Role = "mediator"
	RoleOffice   Role = "office"
	RoleAdmin    Role = "admin"
)

// Roles lists every staff role in display order.
var Roles = []Role{RoleMediator, RoleOffice, RoleAdmin}

// Category is the kind of dispute.
type Category string

// Dispute categories.
const (
	CategoryParking            Category = "parking"
	CategoryPets               Category = "pets"
	CategoryNoise              Category = "noise"
	CategoryLeakRenovation     Category = "leak_renovation"
	CategoryPropertyManagement Category = "property_management"
	CategoryDeveloperOwner     Category = "developer_owner"
	CategoryNeighbour          Category = "neighbour"
	CategoryOther              Category = "other"
)

// Categories lists every category in display order.
var Categories = []Category{CategoryParking, CategoryPets, CategoryNoise, CategoryLeakRenovation,
	CategoryPropertyManagement, CategoryDeveloperOwner, CategoryNeighbour, CategoryOther}

// Source is how a case came to the mediators.
type Source string

// Case sources.
const (
	SourcePartyApplication    Source = "party_application"
	SourceCommitteeInitiative Source = "committee_initiative"
	SourceReferredPolice      Source = "referred_police"
	SourceReferredCourt       Source = "referred_court"
	SourceReferredGovernment  Source = "referred_government"
)

// Sources lists every source in display order.
var Sources = []Source{SourcePartyApplication, SourceCommitteeInitiative, SourceReferredPolice,
	SourceReferredCourt, SourceReferredGovernment}

// Status is where a case stands.
type Status string

// Case statuses.
const (
	StatusIntake      Status = "intake"
	StatusMediating   Status = "mediating"
	StatusAgreement   Status = "agreement"
	StatusNoAgreement Status = "no_agreement"
	StatusWithdrawn   Status = "withdrawn"
	StatusClosed      Status = "closed"
)

// Statuses lists every status in the order a case passes through them.
var Statuses = []Status{StatusIntake, StatusMediating, StatusAgreement, StatusNoAgreement,
	StatusWithdrawn, StatusClosed}

// PartyKind says what a party is.
type PartyKind string

// Party kinds.
const (
	PartyPerson       PartyKind = "person"
	PartyHousehold    PartyKind = "household"
	PartyOrganization PartyKind = "organization"
)

// PartyKinds lists every party kind.
var PartyKinds = []PartyKind{PartyPerson, PartyHousehold, PartyOrganization}

// Side is which side of the dispute a party is on.
type Side string

// Sides of a dispute.
const (
	SideApplicant  Side = "applicant"
	SideRespondent Side = "respondent"
	SideThirdParty Side = "third_party"
)

// Sides lists every side.
var Sides = []Side{SideApplicant, SideRespondent, SideThirdParty}

// SubmissionKind says what a party's submission is.
type SubmissionKind string

// Submission kinds.
const (
	SubmissionPosition  SubmissionKind = "position"
	SubmissionInterests SubmissionKind = "interests"
	SubmissionProposal  SubmissionKind = "proposal"
	SubmissionResponse  SubmissionKind = "response"
	SubmissionEvidence  SubmissionKind = "evidence"
)

// SubmissionKinds lists every submission kind.
var SubmissionKinds = []SubmissionKind{SubmissionPosition, SubmissionInterests, SubmissionProposal,
	SubmissionResponse, SubmissionEvidence}
