// Package auth signs staff and parties in and out. Its primitives — argon2id
// password hashes, invitation tokens and login cookie credentials — know
// nothing of HTTP routing, storage or authorization, so that each can be
// reviewed on its own; Service puts them together with the store's logins.
package auth
