package sfsim

import (
	"fmt"
	"strings"
)

// The simulated objects and their rows. IDs are derived from names so that
// the same model always gives the same IDs.

var accountTable = &table{
	name: "Account", fields: []string{"Id", "Name"},
	rows: func(c *call) []row {
		var rows []row
		for i := range c.ss.user.AccountRecords {
			rows = append(rows, row{
				"Id": sfID("001", fmt.Sprint(i)), "Name": fmt.Sprintf("Simulated Account %d", i+1),
			})
		}
		return rows
	},
}

var userTable = &table{
	name: "User",
	fields: []string{"Id", "Username", "Name", "Email", "IsActive", "UserType", "ProfileId",
		"Profile.Id", "Profile.Name"},
	relations: map[string]string{"Profile": "Profile"},
	relIDs:    map[string]string{"Profile": "ProfileId"},
	rows: func(c *call) []row {
		var rows []row
		for _, u := range c.s.users() {
			pid := profileID(u.Profile)
			rows = append(rows, row{
				"Id": u.ID, "Username": u.Username, "Name": u.Name, "Email": u.Email,
				"IsActive": u.Active, "UserType": soqlUserType(u.UserType), "ProfileId": pid,
				"Profile.Id": pid, "Profile.Name": u.Profile,
			})
		}
		return rows
	},
}

var organizationTable = &table{
	name: "Organization",
	fields: []string{"Id", "Name", "IsSandbox", "OrganizationType", "InstanceName",
		"NamespacePrefix", "TrialExpirationDate"},
	rows: func(c *call) []row {
		org := c.s.cfg.Org
		return []row{{
			"Id": org.ID, "Name": org.Name, "IsSandbox": org.Sandbox,
			"OrganizationType": "Enterprise Edition", "InstanceName": "SIM1",
			"NamespacePrefix": nil, "TrialExpirationDate": nil,
		}}
	},
}

// userPermissionFields are the UserPermissionAccess fields served; every
// one but PermissionsApiEnabled is false for the simulated users.
var userPermissionFields = []string{
	"PermissionsApiEnabled", "PermissionsViewAllData", "PermissionsModifyAllData",
	"PermissionsViewSetup", "PermissionsCustomizeApplication", "PermissionsManageUsers",
	"PermissionsApiUserOnly", "PermissionsViewAllUsers",
}

var userPermissionAccessTable = &table{
	name: "UserPermissionAccess", fields: userPermissionFields,
	rows: func(c *call) []row {
		rw := row{}
		for _, f := range userPermissionFields {
			rw[f] = false
		}
		rw["PermissionsApiEnabled"] = c.ss.user.APIEnabled
		return []row{rw}
	},
}

var userEntityAccessTable = &table{
	name: "UserEntityAccess",
	fields: []string{"Id", "DurableId", "UserId", "EntityDefinitionId",
		"EntityDefinition.QualifiedApiName", "IsReadable", "IsCreatable", "IsEditable",
		"IsDeletable", "IsUndeletable", "IsMergeable", "IsFlsUpdatable"},
	relations: map[string]string{"EntityDefinition": "EntityDefinition"},
	relIDs:    map[string]string{"EntityDefinition": "EntityDefinitionId"},
	rows: func(c *call) []row {
		var rows []row
		for _, u := range c.s.users() {
			rows = append(rows, row{
				"Id": nil, "DurableId": "Account." + u.ID, "UserId": u.ID,
				"EntityDefinitionId": "Account", "EntityDefinition.QualifiedApiName": "Account",
				"IsReadable": u.AccountRead, "IsCreatable": false, "IsEditable": false,
				"IsDeletable": false, "IsUndeletable": false, "IsMergeable": false,
				"IsFlsUpdatable": false,
			})
		}
		return rows
	},
}

var permissionSetAssignmentTable = &table{
	name: "PermissionSetAssignment",
	fields: []string{"Id", "AssigneeId", "PermissionSetId", "PermissionSetGroupId",
		"PermissionSet.Id", "PermissionSet.Name", "PermissionSet.Label",
		"PermissionSet.IsOwnedByProfile", "PermissionSet.ProfileId"},
	relations: map[string]string{"PermissionSet": "PermissionSet"},
	relIDs:    map[string]string{"PermissionSet": "PermissionSetId"},
	rows: func(c *call) []row {
		var rows []row
		for _, u := range c.s.users() {
			rows = append(rows, assignmentRow(u, u.Profile, true))
			for _, ps := range u.PermissionSets {
				rows = append(rows, assignmentRow(u, ps, false))
			}
		}
		return rows
	},
}

// assignmentRow is a user's assignment of a permission set, or of the
// permission set its profile owns.
func assignmentRow(u *User, grant string, profile bool) row {
	psID, name, label, profID := permissionSetID(grant), grant, grant, any(nil)
	if profile {
		psID = permissionSetID("profile:" + grant)
		name = "X00e" + strings.ReplaceAll(grant, " ", "")
		label, profID = "", profileID(grant)
	}
	return row{
		"Id": sfID("0Pa", u.ID+grant), "AssigneeId": u.ID, "PermissionSetId": psID,
		"PermissionSetGroupId": nil, "PermissionSet.Id": psID, "PermissionSet.Name": name,
		"PermissionSet.Label": label, "PermissionSet.IsOwnedByProfile": profile,
		"PermissionSet.ProfileId": profID,
	}
}

var objectPermissionsTable = &table{
	name: "ObjectPermissions",
	fields: []string{"Id", "ParentId", "SobjectType", "PermissionsRead", "PermissionsCreate",
		"PermissionsEdit", "PermissionsDelete", "PermissionsViewAllRecords",
		"PermissionsModifyAllRecords", "PermissionsViewAllFields"},
	rows: func(c *call) []row {
		var rows []row
		for _, u := range c.s.users() {
			if u.AccountRead {
				rows = append(rows, accountReadRow(u))
			}
		}
		return rows
	},
}

// accountReadRow is the object permission granting a user Read on Account,
// held by its profile or by the permission set AccountReadFrom names.
func accountReadRow(u *User) row {
	parent := permissionSetID("profile:" + u.Profile)
	if u.AccountReadFrom != "" && u.AccountReadFrom != u.Profile {
		parent = permissionSetID(u.AccountReadFrom)
	}
	return row{
		"Id": sfID("110", parent+"Account"), "ParentId": parent, "SobjectType": "Account",
		"PermissionsRead": true, "PermissionsCreate": false, "PermissionsEdit": false,
		"PermissionsDelete": false, "PermissionsViewAllRecords": false,
		"PermissionsModifyAllRecords": false, "PermissionsViewAllFields": false,
	}
}

// profileID and permissionSetID are the stable IDs of named grants.
func profileID(name string) string       { return sfID("00e", name) }
func permissionSetID(name string) string { return sfID("0PS", name) }

// soqlUserType is the UserType picklist value of a user type as userinfo
// writes it (STANDARD becomes Standard).
func soqlUserType(t string) string {
	if t == "" {
		return "Standard"
	}
	return strings.ToUpper(t[:1]) + strings.ToLower(t[1:])
}

// users returns pointers to the model's users.
func (s *Server) users() []*User {
	var out []*User
	for i := range s.cfg.Users {
		out = append(out, &s.cfg.Users[i])
	}
	return out
}
