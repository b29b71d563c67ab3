package web_test

import (
	"net/http"
	"testing"

	"tiaojie/internal/mediation"
)

// parkingScene is the case the agreement and session browser tests start
// from: wang.fang opens it through the API and adds li.jing, who signs in in
// the browser, as a second mediator; 赵明 applies and 钱丽 responds.
type parkingScene struct {
	a        *testApp
	med      *client // wang.fang, through the API
	password string  // li.jing's
	cs       struct {
		ID        string `json:"id"`
		Reference string `json:"reference"`
	}
	pA, pB partyCreated
}

func newParkingScene(t *testing.T) *parkingScene {
	t.Helper()
	sc := &parkingScene{a: newApp(t)}
	sc.med, _ = sc.a.staff(mediation.RoleMediator, "wang.fang")
	_, sc.password = sc.a.user(mediation.RoleMediator, "li.jing")
	sc.med.mustJSON("POST", "/api/v1/cases", map[string]string{"title": "3 号楼地下车位被占用", "category": "parking",
		"community": "heping-li", "source": "party_application"}, http.StatusCreated, &sc.cs)
	u, err := sc.a.DB.UserByName("li.jing")
	if err != nil {
		t.Fatal(err)
	}
	sc.med.mustJSON("POST", "/api/v1/cases/"+sc.cs.ID+"/mediators", map[string]string{"user_id": u.ID.String()}, http.StatusOK, nil)
	sc.med.mustJSON("POST", "/api/v1/cases/"+sc.cs.ID+"/parties", map[string]string{"name": "赵明", "kind": "person", "side": "applicant"}, http.StatusCreated, &sc.pA)
	sc.med.mustJSON("POST", "/api/v1/cases/"+sc.cs.ID+"/parties", map[string]string{"name": "钱丽", "kind": "person", "side": "respondent"}, http.StatusCreated, &sc.pB)
	return sc
}
