// Package auth holds the credential primitives of tiaojie: argon2id password
// hashes, invitation tokens and session cookie credentials. It deliberately
// knows nothing of HTTP routing, storage or authorization so that each piece
// can be reviewed and tested on its own.
package auth
