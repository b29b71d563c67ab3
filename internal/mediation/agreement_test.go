package mediation_test

import (
	"slices"
	"testing"
	"time"

	"tiaojie/internal/mediation"
)

// inEffect is a case record's summary of an agreement in effect.
var inEffect = &mediation.Agreed{AgreementID: 1, Version: 1, EffectiveAt: opened}

func TestStatusAgreementNeedsAnAgreementInEffect(t *testing.T) {
	c := caseIn(mediation.StatusMediating)
	e := asError(t, c.Move(mediation.Transition{To: mediation.StatusAgreement}, fullFile, moved))
	if e.Code != mediation.ECONFLICT || !slices.Equal(e.Missing, []string{"agreement"}) || c.Status != mediation.StatusMediating {
		t.Errorf("move without an agreement: %+v, status %s", e, c.Status)
	}
}

var agreementParties = []mediation.Party{{ID: 19, CaseID: 42, Name: "赵明", Kind: mediation.PartyPerson, Side: mediation.SideApplicant},
	{ID: 20, CaseID: 42, Name: "钱丽", Kind: mediation.PartyPerson, Side: mediation.SideRespondent}}

func draft(t *testing.T) (*mediation.Agreement, *mediation.Case) {
	t.Helper()
	c := caseIn(mediation.StatusMediating)
	a, err := mediation.NewAgreement(mediation.AgreementInput{
		Facts: "争车位。", DisputedMatters: "车位B-12。",
		Terms: []mediation.AgreementTerm{{ObligorPartyID: 20, Text: "移车。", Manner: "自行", Deadline: "2026-03-10"}}},
		c, agreementParties, 7, opened, opened)
	if err != nil {
		t.Fatal(err)
	}
	a.ID = 5
	a.Seal(&a.Versions[0])
	return a, c
}

func TestSignaturesCountOnlyForTheirVersion(t *testing.T) {
	a, c := draft(t)
	if _, err := a.Propose(c, 7, opened); err != nil {
		t.Fatal(err)
	}
	v1 := a.Versions[0].Digest
	if _, _, err := a.Sign(c, agreementParties, 19, 0, "赵明", 0, opened); err != nil {
		t.Fatal(err)
	}
	next := a.Versions[0].Content
	next.Facts = "争车位B-12。"
	next.Parties = nil
	if err := a.Revise(next, c, agreementParties, 7, opened, opened); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Propose(c, 7, opened); err != nil {
		t.Fatal(err)
	}
	if a.Versions[1].Digest == v1 {
		t.Fatal("a changed version has the same digest")
	}
	for _, s := range []struct{ party, user mediation.ID }{{20, 0}, {0, 7}} {
		if _, took, err := a.Sign(c, agreementParties, s.party, s.user, "x", 2, opened); err != nil || took {
			t.Fatalf("Sign = %v, took effect %v; party 19 signed only version 1", err, took)
		}
	}
	if _, _, err := a.Sign(c, agreementParties, 20, 0, "x", 0, opened); mediation.ErrorCode(err) != mediation.ECONFLICT {
		t.Errorf("second signature on one version: %v", err)
	}
	_, took, err := a.Sign(c, agreementParties, 19, 0, "赵明", 2, opened)
	if err != nil || !took || a.EffectiveVersion != 2 {
		t.Fatalf("last signature: %v, took %v, version %d", err, took, a.EffectiveVersion)
	}
	// A signature whose digest is not the version's does not count.
	b, c2 := draft(t)
	b.Propose(c2, 7, opened)
	b.Signatures = append(b.Signatures, mediation.Signature{PartyID: 19, Version: 1, Digest: "forged"})
	b.Sign(c2, agreementParties, 20, 0, "钱丽", 0, opened)
	if _, took, _ := b.Sign(c2, agreementParties, 0, 7, "x", 0, opened); took {
		t.Error("a signature over another digest counted")
	}
}

func TestSigningNeedsEveryPartyNamed(t *testing.T) {
	a, c := draft(t)
	a.Propose(c, 7, opened)
	joined := append(agreementParties, mediation.Party{ID: 21, CaseID: 42, Name: "孙强"})
	if _, _, err := a.Sign(c, joined, 19, 0, "赵明", 0, opened); mediation.ErrorCode(err) != mediation.ECONFLICT || len(a.Signatures) != 0 {
		t.Errorf("signing a version that does not name a party of the case: %v, %d signatures", err, len(a.Signatures))
	}
}

func TestCanonicalTextIsStable(t *testing.T) {
	a, _ := draft(t)
	text := string(a.CanonicalText(&a.Versions[0]))
	want := `{"agreement_id":"5","case_id":"42","version":1,"oral":false,"content":{"parties":[` +
		`{"party_id":"19","name":"赵明","kind":"person","side":"applicant","represents":"","address":""},` +
		`{"party_id":"20","name":"钱丽","kind":"person","side":"respondent","represents":"","address":""}],` +
		`"facts":"争车位。","disputed_matters":"车位B-12。","responsibility":"",` +
		`"terms":[{"obligor_party_id":"20","text":"移车。","manner":"自行","place":"","deadline":"2026-03-10"}],"remarks":""}}`
	if text != want {
		t.Errorf("canonical text\n got %s\nwant %s", text, want)
	}
}

func TestAgreementContentErrorsNameTheField(t *testing.T) {
	c := caseIn(mediation.StatusMediating)
	_, err := mediation.NewAgreement(mediation.AgreementInput{
		Facts: "x", DisputedMatters: "y",
		Terms: []mediation.AgreementTerm{{ObligorPartyID: 99, Text: "", Manner: "m", Deadline: "2026-02-30"},
			{ObligorPartyID: 19, Text: "t", Manner: "m", Deadline: "2026-03-01"}}},
		c, agreementParties, 7, opened, opened.Add(24*time.Hour))
	e := asError(t, err)
	for _, f := range []string{"terms[0].obligor_party_id", "terms[0].text", "terms[0].deadline", "terms[1].deadline"} {
		if _, ok := e.Fields[f]; !ok {
			t.Errorf("no error on %s: %v", f, e.Fields)
		}
	}
}
