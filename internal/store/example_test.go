package store_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store"
)

func Example() {
	dir, err := os.MkdirTemp("", "tiaojie-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	db, err := store.Open(filepath.Join(dir, "tiaojie.db"), store.Options{Timeout: time.Second})
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	u, err := mediation.NewUser(&mediation.UserInput{Username: "wang", DisplayName: "王调解",
		Role: mediation.RoleMediator, Password: "a long passphrase"}, now)
	if err != nil {
		log.Fatal(err)
	}
	u.PasswordHash = "(an argon2id hash)"
	if err := db.CreateUser(u, "system"); err != nil {
		log.Fatal(err)
	}

	for _, title := range []string{"车位被长期占用", "楼上卫生间漏水"} {
		c, err := mediation.NewCase(mediation.CaseInput{Title: title, Category: mediation.CategoryNeighbour,
			Community: "heping-li", Source: mediation.SourcePartyApplication}, mediation.DefaultPlaces(), u.ID, now)
		if err != nil {
			log.Fatal(err)
		}
		if err := db.CreateCase(c, mediation.UserSubject(u.ID)); err != nil {
			log.Fatal(err)
		}
	}

	cases, next, err := db.Cases(store.CaseFilter{Mediator: u.ID, Limit: 50})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range cases {
		fmt.Println(c.Reference, c.Title, c.Street, c.Status)
	}
	fmt.Println("next cursor:", next)
	// Output:
	// 2026-0002 楼上卫生间漏水 和平街道 intake
	// 2026-0001 车位被长期占用 和平街道 intake
	// next cursor: 0
}
