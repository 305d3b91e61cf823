package desk

import (
	"context"
	"time"
)

// Role is what a user is. Customer roles belong to an organisation; staff
// roles belong to the vendor.
type Role string

// Customer roles.
const (
	RoleSuperAdmin   Role = "super_admin"
	RoleSupportAdmin Role = "support_admin"
	RoleBillingAdmin Role = "billing_admin"
	RoleAdmin        Role = "admin" // any other admin role without the Support privilege
	RoleUser         Role = "user"  // an ordinary user of the customer's services
)

// Staff roles.
const (
	RoleAgent         Role = "agent"
	RoleSupervisor    Role = "supervisor"
	RoleStatusManager Role = "status_manager"
	RoleSystemAdmin   Role = "system_admin"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleSuperAdmin, RoleSupportAdmin, RoleBillingAdmin, RoleAdmin, RoleUser,
		RoleAgent, RoleSupervisor, RoleStatusManager, RoleSystemAdmin:
		return true
	}
	return false
}

// IsStaff reports whether r is a vendor role.
func (r Role) IsStaff() bool {
	switch r {
	case RoleAgent, RoleSupervisor, RoleStatusManager, RoleSystemAdmin:
		return true
	}
	return false
}

// User is a person who signs in: a customer's admin or user, or vendor staff.
type User struct {
	ID int64 `json:"id"`
	// OrgID is zero for vendor staff.
	OrgID int64  `json:"org_id,omitempty"`
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  Role   `json:"role"`
	// SupportPrivilege is the Support admin privilege for customer admins
	// whose role does not carry it already.
	SupportPrivilege bool `json:"-"`
	// Languages are the languages a staff member works in, best first.
	Languages    []string  `json:"languages,omitempty"`
	Language     string    `json:"language"`
	TimeZone     string    `json:"time_zone"`
	PasswordHash string    `json:"-"`
	CreatedAt    time.Time `json:"created_at"`
}

// IsStaff reports whether u works for the vendor.
func (u *User) IsStaff() bool { return u.Role.IsStaff() }

// HasSupportPrivilege reports whether u may open and manage the cases of
// its organisation: super admins and holders of the Support privilege.
func (u *User) HasSupportPrivilege() bool {
	switch u.Role {
	case RoleSuperAdmin, RoleSupportAdmin:
		return true
	case RoleBillingAdmin, RoleAdmin:
		return u.SupportPrivilege
	}
	return false
}

// CanHandleCases reports whether u is staff who works cases: agents and
// supervisors, and system admins who can do everything.
func (u *User) CanHandleCases() bool {
	switch u.Role {
	case RoleAgent, RoleSupervisor, RoleSystemAdmin:
		return true
	}
	return false
}

// IsSupervisor reports whether u oversees the desk: supervisors and system
// admins, who import cases, manage calendars and SLA policies and read the
// SLA figures.
func (u *User) IsSupervisor() bool { return u.Role == RoleSupervisor || u.Role == RoleSystemAdmin }

// Scope limits a store read to what a caller may see. The store applies it
// in every query, so that no path can skip the tenant check.
type Scope struct {
	// OrgID limits the read to one organisation. It is ignored when
	// AllOrgs is set.
	OrgID int64
	// AllOrgs is set for vendor staff.
	AllOrgs bool
	// Internal allows staff-only content such as internal notes.
	Internal bool
}

// ScopeOf returns the scope of what u may see.
func ScopeOf(u *User) Scope {
	switch {
	case u.CanHandleCases():
		return Scope{AllOrgs: true, Internal: true}
	case u.IsStaff():
		return Scope{} // other staff (status managers) see no case
	}
	return Scope{OrgID: u.OrgID}
}

// Allows reports whether the scope covers organisation orgID.
func (s Scope) Allows(orgID int64) bool { return s.AllOrgs || (orgID != 0 && s.OrgID == orgID) }

// UserStore reads and writes users and their API tokens.
type UserStore interface {
	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id int64) (*User, error)
	UserByEmail(ctx context.Context, email string) (*User, error)
	// Users lists the users of one organisation, or the vendor's staff when
	// orgID is zero.
	Users(ctx context.Context, orgID int64) ([]*User, error)
	// CreateToken stores the SHA-256 hash of a new API token.
	CreateToken(ctx context.Context, userID int64, hash []byte, created time.Time) error
	// UserByToken returns the user owning the token with the given hash.
	UserByToken(ctx context.Context, hash []byte) (*User, error)
}
