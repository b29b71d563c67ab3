package store_test

import (
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

// signedAgreement drafts an agreement of the case (being mediated) with one
// term, proposes it and has every party and the mediator sign it, through
// the store; the last signature makes it take effect.
func signedAgreement(t testing.TB, db *store.DB, c *mediation.Case, by *mediation.User, parties ...*mediation.Party) *mediation.Agreement {
	t.Helper()
	var ps []mediation.Party
	for _, p := range parties {
		ps = append(ps, *p)
	}
	a, err := mediation.NewAgreement(mediation.AgreementInput{
		Facts: "楼上卫生间漏水。", DisputedMatters: "维修费用。",
		Terms: []mediation.AgreementTerm{{ObligorPartyID: parties[len(parties)-1].ID, Text: "修好防水层。", Manner: "请人维修",
			Deadline: testTime.AddDate(0, 0, 10).Format(time.DateOnly)}}}, c, ps, by.ID, testTime, testTime)
	if err != nil {
		t.Fatal(err)
	}
	m := mediation.UserSubject(by.ID)
	if err := db.CreateAgreement(a, m); err != nil {
		t.Fatal(err)
	}
	change := func(actor string, fn func(a *mediation.Agreement, c *mediation.Case, ps []mediation.Party) error) {
		t.Helper()
		if _, err := db.UpdateAgreement(a.ID, actor, func(a *mediation.Agreement, c *mediation.Case, ps []mediation.Party) (store.AgreementChange, error) {
			return store.AgreementChange{Action: "agreement.test"}, fn(a, c, ps)
		}); err != nil {
			t.Fatal(err)
		}
	}
	change(m, func(a *mediation.Agreement, c *mediation.Case, _ []mediation.Party) error {
		_, err := a.Propose(c, by.ID, testTime)
		return err
	})
	for _, p := range parties {
		change(mediation.PartySubject(p.ID), func(a *mediation.Agreement, c *mediation.Case, ps []mediation.Party) error {
			_, _, err := a.Sign(c, ps, p.ID, 0, p.Name, 0, testTime)
			return err
		})
	}
	change(m, func(a *mediation.Agreement, c *mediation.Case, ps []mediation.Party) error {
		_, took, err := a.Sign(c, ps, 0, by.ID, by.DisplayName, 0, testTime)
		if err == nil && !took {
			t.Error("every party and the mediator signed, and the agreement is not in effect")
		}
		return err
	})
	got, err := db.Agreement(a.ID)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestAgreementTakesEffectWithTheCase(t *testing.T) {
	onBackends(t, func(t *testing.T) {
		w := newWorld(t)
		db := w.db
		c := createCase(t, db, w.mediator, "楼上漏水", mediation.CategoryLeakRenovation)
		ap := createParty(t, db, c, w.mediator, "张三", mediation.SideApplicant, "")
		rp := createParty(t, db, c, w.mediator, "李四", mediation.SideRespondent, "")
		if none, err := db.AgreementInEffect(c.ID); err != nil || none != nil {
			t.Fatalf("AgreementInEffect of a new case = %v, %v", none, err)
		}
		c = transition(t, db, c.ID, mediation.StatusMediating, "")
		a := signedAgreement(t, db, c, w.mediator, ap, rp)
		in, err := db.AgreementInEffect(c.ID)
		if err != nil || in == nil || in.ID != a.ID || !in.InEffect() {
			t.Fatalf("AgreementInEffect = %+v, %v", in, err)
		}
		got, err := db.Case(c.ID)
		if err != nil || got.Status != mediation.StatusAgreement || !got.AgreementInEffect() || got.Agreed.AgreementID != a.ID ||
			len(got.Agreed.Terms) != 1 {
			t.Fatalf("case after the agreement took effect: %+v, %v", got, err)
		}
		checkIndexes(t, db)
	})
}
