package etcdtest_test

import (
	"context"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"tiaojie/internal/store/etcdtest"
)

// Three members elect a leader; with the leader killed the other two elect
// another and take writes; the killed member restarts on its data and has
// the writes it missed.
func TestClusterLeaderKilledAndRestarted(t *testing.T) {
	c := etcdtest.NewCluster(t, 3)
	t.Logf("3 members started in %s", c.Started)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cli := c.Client()
	if _, err := cli.Put(ctx, "before", "1"); err != nil {
		t.Fatal(err)
	}
	leader, err := c.Leader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	c.Kill(leader)
	// A write in flight when the leader dies fails (a timeout): the
	// client sends it again until the new leader takes it.
	for attempt := 0; ; attempt++ {
		pctx, pcancel := context.WithTimeout(ctx, time.Second)
		_, err := cli.Put(pctx, "during", "2")
		pcancel()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no write taken since the leader's death, %d attempts: %v", attempt, err)
		}
	}
	next, err := c.Leader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("member %d killed, member %d leads, a write went through %s after the kill", leader, next, time.Since(killed))
	if next == leader || c.Running(leader) {
		t.Fatalf("member %d killed, member %d leads", leader, next)
	}
	restarted := time.Now()
	if err := c.Restart(leader); err != nil {
		t.Fatal(err)
	}
	t.Logf("member %d serves again %s after its restart", leader, time.Since(restarted))
	// Serializable: answered by the restarted member alone, from its data.
	one := c.MemberClient(t, leader)
	resp, err := one.Get(ctx, "during", clientv3.WithSerializable())
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "2" {
		t.Fatalf("the restarted member's copy of the write made without it: %v %v", resp, err)
	}
}
