// Package desk is the domain of Supportdesk: the support centre a
// software-as-a-service vendor runs for the administrators of its business
// customers.
//
// The package holds the types (Org, Plan, User, Case, Message, Attachment),
// the rules that decide who may do what (entitlements, severity caps, the case
// state machine), the Service that applies those rules, and the interfaces
// through which it reaches storage, blobs, time and the event bus. It imports
// no transport and no storage: the adapters beside it (sqlite, postgres, web,
// blobs, eventbus) implement or call these interfaces, and cmd/supportdesk
// wires them together.
package desk
