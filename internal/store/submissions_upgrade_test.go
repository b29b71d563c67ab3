package store

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"tiaojie/internal/mediation"
	"tiaojie/internal/store/etcdtest"
)

// On etcd a store of schema version 3 with more submissions than one
// transaction takes gets its entries' authors in parts at Open: each
// party's own submissions are found again, the index checks clean and the
// old index by party is gone.
func TestSubmissionAuthorsFilledInParts(t *testing.T) {
	eo := EtcdOptions{Endpoints: etcdtest.Shared(t).Endpoints, Prefix: fmt.Sprintf("internal/%d/", internalPrefixes.Add(1))}
	db, err := OpenEtcd(eo, Options{})
	if err != nil {
		t.Fatal(err)
	}
	// What version 3 wrote: records, and entries of submissions_by_case
	// without a value; written raw, a few dozen to a transaction.
	const n = 150
	if most := db.backend.Limits().Ops / 2; n <= most {
		t.Fatalf("%d submissions fit in one transaction of %d", n, most)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	for from := 1; from <= n; from += 40 {
		err := db.backend.Update(func(tx Tx) error {
			for i := from; i < from+40 && i <= n; i++ {
				id := mediation.ID(i)
				v, err := json.Marshal(mediation.Submission{ID: id, CaseID: 7, PartyID: mediation.ID(1 + i%2),
					Kind: mediation.SubmissionProposal, Body: "车位", CreatedAt: at})
				if err != nil {
					return err
				}
				if err := tx.Bucket(submissionRecords.bucket).Put(idKey(id), v); err != nil {
					return err
				}
				if err := tx.Bucket(submissionsByCase.bucket).Put(under(7, idKey(id)), nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	err = db.backend.Update(func(tx Tx) error {
		old, err := tx.CreateBucketIfNotExists([]byte("submissions_by_party"))
		if err != nil {
			return err
		}
		if err := old.Put(under(1, idKey(2)), nil); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(metaSchema, itob(3))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	db, err = OpenEtcd(eo, Options{})
	if err != nil {
		t.Fatalf("Open of a version 3 store: %v", err)
	}
	defer db.Close()
	for _, party := range []mediation.ID{1, 2} {
		subs, _, err := db.Submissions(SubmissionFilter{Case: 7, Author: party, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		var got, want []mediation.ID
		for _, s := range subs {
			got = append(got, s.ID)
		}
		for i := 1; i <= n; i++ {
			if mediation.ID(1+i%2) == party {
				want = append(want, mediation.ID(i))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("party %d's own submissions after the upgrade: %d of them, want %d", party, len(got), len(want))
		}
	}
	if err := db.CheckIndexes(); err != nil {
		t.Errorf("CheckIndexes after the upgrade: %v", err)
	}
	err = db.view(func(tx Tx) error {
		if tx.Bucket([]byte("submissions_by_party")) != nil {
			t.Error("submissions_by_party is still there")
		}
		if v := tx.Bucket(bucketMeta).Get(metaSchema); btoi(v) != schemaVersion {
			t.Errorf("schema version %d after the upgrade", btoi(v))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
