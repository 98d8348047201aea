package sfsim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// queryCase is one SOQL query and Salesforce's answer.
type queryCase struct {
	name   string
	config func(*Config)
	soql   string
	// want is, for success, a substring of the body; for a failure the
	// exact message.
	wantStatus int
	wantCode   string
	want       string
	wantSize   int
}

var (
	userID  = sfID("005", testUser)
	otherID = sfID("005", "other@kolleno.example")
)

func TestQuery(t *testing.T) {
	for _, tc := range queryCases() {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig(t)
			if tc.config != nil {
				tc.config(&cfg)
			}
			_, ts := startSim(t, cfg)
			token := login(t, ts.URL)

			a := do(t, "GET", ts.URL+"/services/data/v67.0/query?q="+url.QueryEscape(tc.soql), "", "",
				"Authorization", "Bearer "+token)

			checkQueryAnswer(t, a, tc)
		})
	}
}

// checkQueryAnswer compares a query answer with the case.
func checkQueryAnswer(t *testing.T, a answer, tc queryCase) {
	t.Helper()
	if a.status != tc.wantStatus {
		t.Fatalf("status %d, want %d; body %s", a.status, tc.wantStatus, a.body)
	}
	if tc.wantCode != "" {
		var errs []restError
		a.jsonOf(t, &errs)
		if len(errs) != 1 || errs[0].ErrorCode != tc.wantCode || errs[0].Message != tc.want {
			t.Errorf("got %+v\nwant %s %q", errs, tc.wantCode, tc.want)
		}
		return
	}
	var res struct {
		TotalSize int  `json:"totalSize"`
		Done      bool `json:"done"`
	}
	a.jsonOf(t, &res)
	if res.TotalSize != tc.wantSize || !res.Done || !strings.Contains(string(a.body), tc.want) {
		t.Errorf("body %s\nwant totalSize %d and %s", a.body, tc.wantSize, tc.want)
	}
}

func queryCases() []queryCase {
	var cases []queryCase
	cases = append(cases, accountQueryCases()...)
	cases = append(cases, permissionQueryCases()...)
	cases = append(cases, userQueryCases()...)
	cases = append(cases, badQueryCases()...)
	cases = append(cases, nonASCIIQueryCases()...)
	return cases
}

func accountQueryCases() []queryCase {
	noRead := func(c *Config) { c.Users[0].AccountRead = false }
	return []queryCase{
		{name: "one Account", soql: "SELECT Id FROM Account LIMIT 1", wantStatus: 200, wantSize: 1,
			want: `"records":[{"attributes":{"type":"Account","url":"/services/data/v67.0/sobjects/Account/001`},
		{name: "all Accounts", soql: "select id, name from account", wantStatus: 200, wantSize: 3,
			want: `"Name":"Simulated Account 3"`},
		{name: "no Account records", soql: "SELECT Id FROM Account LIMIT 1", wantStatus: 200,
			config: func(c *Config) { c.Users[0].AccountRecords = 0 }, want: `"records":[]`},
		{name: "Account without read", soql: "SELECT Id FROM Account LIMIT 1", config: noRead,
			wantStatus: 400, wantCode: "INVALID_TYPE",
			want: "SELECT Id FROM Account LIMIT 1\n               ^\nERROR at Row:1:Column:16\nsObject type 'Account' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."},
		{name: "unknown object", soql: "SELECT Id FROM Acount", wantStatus: 400, wantCode: "INVALID_TYPE",
			want: "SELECT Id FROM Acount\n               ^\nERROR at Row:1:Column:16\nsObject type 'Acount' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."},
		{name: "unknown field", soql: "SELECT Id, Revenue FROM Account", wantStatus: 400, wantCode: "INVALID_FIELD",
			want: "SELECT Id, Revenue FROM Account\n           ^\nERROR at Row:1:Column:12\nNo such column 'Revenue' on entity 'Account'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."},
	}
}

func permissionQueryCases() []queryCase {
	entity := "SELECT EntityDefinition.QualifiedApiName, IsReadable, IsCreatable, IsEditable, IsDeletable FROM UserEntityAccess WHERE UserId = '" + userID + "' AND EntityDefinition.QualifiedApiName = 'Account'"
	psa := "SELECT AssigneeId, PermissionSetId, PermissionSet.Name, PermissionSet.IsOwnedByProfile, PermissionSet.ProfileId, PermissionSetGroupId FROM PermissionSetAssignment WHERE AssigneeId = '" + userID + "' AND PermissionSetId IN (SELECT ParentId FROM ObjectPermissions WHERE SobjectType = 'Account' AND PermissionsRead = true)"
	viaPermSet := func(c *Config) {
		c.Users[0].PermissionSets = []string{"Kolleno Account Read"}
		c.Users[0].AccountReadFrom = "Kolleno Account Read"
	}
	return []queryCase{
		{name: "UserPermissionAccess",
			soql:       "SELECT PermissionsApiEnabled, PermissionsViewAllData, PermissionsModifyAllData FROM UserPermissionAccess",
			wantStatus: 200, wantSize: 1,
			want: `{"attributes":{"type":"UserPermissionAccess"},"PermissionsApiEnabled":true,"PermissionsViewAllData":false,"PermissionsModifyAllData":false}`},
		{name: "UserPermissionAccess unknown permission", soql: "SELECT PermissionsFly FROM UserPermissionAccess",
			wantStatus: 400, wantCode: "INVALID_FIELD",
			want: "SELECT PermissionsFly FROM UserPermissionAccess\n       ^\nERROR at Row:1:Column:8\nNo such column 'PermissionsFly' on entity 'UserPermissionAccess'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names."},
		{name: "UserEntityAccess readable", soql: entity, wantStatus: 200, wantSize: 1,
			want: `"EntityDefinition":{"attributes":{"type":"EntityDefinition","url":"/services/data/v67.0/sobjects/EntityDefinition/Account"},"QualifiedApiName":"Account"},"IsReadable":true,"IsCreatable":false`},
		{name: "UserEntityAccess not readable", soql: entity, wantStatus: 200, wantSize: 1,
			config: func(c *Config) { c.Users[0].AccountRead = false }, want: `"IsReadable":false`},
		{name: "UserEntityAccess by EntityDefinitionId and 15-character user ID",
			soql:       "SELECT IsReadable FROM UserEntityAccess WHERE EntityDefinitionId = 'Account' AND UserId = '" + userID[:15] + "'",
			wantStatus: 200, wantSize: 1, want: `"IsReadable":true`},
		{name: "UserEntityAccess other object", wantStatus: 200, want: `"records":[]`,
			soql: "SELECT IsReadable FROM UserEntityAccess WHERE UserId = '" + userID + "' AND EntityDefinitionId = 'Contact'"},
		{name: "UserEntityAccess without user filter", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			soql: "SELECT IsReadable FROM UserEntityAccess WHERE EntityDefinitionId = 'Account'",
			want: "SELECT IsReadable FROM UserEntityAccess WHERE EntityDefinitionId = 'Account'\n                       ^\nERROR at Row:1:Column:24\n" + entityFilterText},
		{name: "PermissionSetAssignment through the profile", soql: psa, wantStatus: 200, wantSize: 1,
			want: `"PermissionSet":{"attributes":{"type":"PermissionSet","url":"/services/data/v67.0/sobjects/PermissionSet/0PS`},
		{name: "PermissionSetAssignment profile flag", soql: psa, wantStatus: 200, wantSize: 1,
			want: `"Name":"X00eKollenoIntegration","IsOwnedByProfile":true,"ProfileId":"00e`},
		{name: "PermissionSetAssignment through a permission set", soql: psa, wantStatus: 200, wantSize: 1,
			config: viaPermSet, want: `"Name":"Kolleno Account Read","IsOwnedByProfile":false,"ProfileId":null}`},
		{name: "PermissionSetAssignment without read", soql: psa, wantStatus: 200,
			config: func(c *Config) { c.Users[0].AccountRead = false }, want: `"records":[]`},
	}
}

func userQueryCases() []queryCase {
	two := func(c *Config) {
		u := defaultUser("other@kolleno.example")
		u.Active, u.Profile = false, "Standard User"
		c.Users = append(c.Users, u)
	}
	return []queryCase{
		{name: "the integration user", wantStatus: 200, wantSize: 1,
			soql: "SELECT Id, Username, Profile.Name, IsActive FROM User WHERE Id = '" + userID + "'",
			want: `{"attributes":{"type":"User","url":"/services/data/v67.0/sobjects/User/` + userID + `"},"Id":"` + userID + `","Username":"` + testUser + `","Profile":{"attributes":{"type":"Profile","url":"/services/data/v67.0/sobjects/Profile/` + profileID(DefaultProfile) + `"},"Name":"Kolleno Integration"},"IsActive":true}`},
		{name: "another user", config: two, wantStatus: 200, wantSize: 1,
			soql: "SELECT Id, IsActive, Profile.Name FROM User WHERE Id = '" + otherID + "'",
			want: `"IsActive":false,"Profile":{"attributes":{"type":"Profile","url":"/services/data/v67.0/sobjects/Profile/` + profileID("Standard User") + `"},"Name":"Standard User"}`},
		{name: "user by username", wantStatus: 200, wantSize: 1,
			soql: "SELECT Id FROM User WHERE Username = '" + strings.ToUpper(testUser) + "'", want: userID},
		{name: "no such user", wantStatus: 200,
			soql: "SELECT Id FROM User WHERE Id = '005000000000000AAA'", want: `"totalSize":0`},
		{name: "user IN list", config: two, wantStatus: 200, wantSize: 2,
			soql: "SELECT Id FROM User WHERE Id IN ('" + userID + "', '" + otherID + "')", want: otherID},
		{name: "Organization", wantStatus: 200, wantSize: 1,
			soql: "SELECT Id, Name, IsSandbox, OrganizationType FROM Organization",
			want: `"Id":"` + DefaultOrgID + `","Name":"Kolleno Simulated Org","IsSandbox":false,"OrganizationType":"Enterprise Edition"}`},
		{name: "sandbox Organization", wantStatus: 200, wantSize: 1,
			config: func(c *Config) { c.Org.Sandbox = true },
			soql:   "SELECT IsSandbox FROM Organization", want: `"IsSandbox":true`},
	}
}

func badQueryCases() []queryCase {
	return []queryCase{
		{name: "misspelled keyword", soql: "SELECT Id FRM Account", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			want: "SELECT Id FRM Account\n          ^\nERROR at Row:1:Column:11\nunexpected token: FRM"},
		{name: "OR", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			soql: "SELECT Id FROM User WHERE Id = 'a' OR Id = 'b'",
			want: "SELECT Id FROM User WHERE Id = 'a' OR Id = 'b'\n                                   ^\nERROR at Row:1:Column:36\nunexpected token: OR"},
		{name: "aggregate", soql: "SELECT COUNT() FROM Account", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			want: "SELECT COUNT() FROM Account\n            ^\nERROR at Row:1:Column:13\nunexpected token: ("},
		{name: "unterminated string", soql: "SELECT Id FROM User WHERE Id = 'abc", wantStatus: 400,
			wantCode: "MALFORMED_QUERY",
			want:     "SELECT Id FROM User WHERE Id = 'abc\n                               ^\nERROR at Row:1:Column:32\nunterminated string literal"},
		{name: "end of query", soql: "SELECT Id FROM", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			want: "SELECT Id FROM\n              ^\nERROR at Row:1:Column:15\nunexpected token: '<EOF>'"},
		{name: "second line", soql: "SELECT Id\nFROM Nothing", wantStatus: 400, wantCode: "INVALID_TYPE",
			want: "FROM Nothing\n     ^\nERROR at Row:2:Column:6\nsObject type 'Nothing' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names."},
		{name: "ORDER BY", soql: "SELECT Id FROM Account ORDER BY Name DESC, Id LIMIT 2", wantStatus: 200,
			wantSize: 2, want: `"totalSize":2`},
		{name: "ORDER BY without field", soql: "SELECT Id FROM Account ORDER BY LIMIT 2", wantStatus: 400,
			wantCode: "MALFORMED_QUERY",
			want:     "SELECT Id FROM Account ORDER BY LIMIT 2\n                                ^\nERROR at Row:1:Column:33\nunexpected token: LIMIT"},
		{name: "bad LIMIT", soql: "SELECT Id FROM Account LIMIT x", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			want: "SELECT Id FROM Account LIMIT x\n                             ^\nERROR at Row:1:Column:30\nunexpected token: x"},
	}
}

// nonASCIIQueryCases quote a character outside ASCII whole, and count
// columns in characters, not bytes.
func nonASCIIQueryCases() []queryCase {
	return []queryCase{
		{name: "accented field", soql: "SELECT Ïd FROM Account", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			want: "SELECT Ïd FROM Account\n       ^\nERROR at Row:1:Column:8\nunexpected token: Ï"},
		{name: "emoji field", soql: "SELECT Id, 🙂 FROM Account", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			want: "SELECT Id, 🙂 FROM Account\n           ^\nERROR at Row:1:Column:12\nunexpected token: 🙂"},
		{name: "after an accented literal", wantStatus: 400, wantCode: "MALFORMED_QUERY",
			soql: "SELECT Id FROM User WHERE Name = 'Zoë Åberg' OR Id = 'b'",
			want: "SELECT Id FROM User WHERE Name = 'Zoë Åberg' OR Id = 'b'\n                                             ^\nERROR at Row:1:Column:46\nunexpected token: OR"},
		{name: "accented literal", wantStatus: 200, want: `"totalSize":0`,
			soql: "SELECT Id FROM User WHERE Username = 'zoë@kolleno.example'"},
	}
}

func TestQueryWithoutQ(t *testing.T) {
	_, ts := startSim(t, testConfig(t))
	a := do(t, "GET", ts.URL+"/services/data/v67.0/query", "", "", "Authorization", "Bearer "+login(t, ts.URL))
	checkQueryAnswer(t, a, queryCase{wantStatus: 400, wantCode: "MALFORMED_QUERY",
		want: "A query string has to be specified"})
}

// FuzzQuery feeds arbitrary SOQL to the query endpoint: it must answer 200
// or 400 with Salesforce's error array, never crash or 500.
func FuzzQuery(f *testing.F) {
	for _, tc := range queryCases() {
		f.Add(tc.soql)
	}
	cfg := testConfig(f)
	srv, err := New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	ss := &session{user: &srv.cfg.Users[0], scopes: []string{"api"}}
	f.Fuzz(func(t *testing.T, soql string) {
		c := &call{s: srv, ss: ss, version: 67, resource: "query"}
		r, _ := http.NewRequest("GET", "http://sfsim/q?q="+url.QueryEscape(soql), nil)
		status, body := c.query(r)
		if e, ok := body.(apiError); ok {
			if e.status != 400 || e.ErrorCode == "" {
				t.Fatalf("%q: %+v", soql, e)
			}
			return
		}
		if status != 200 {
			t.Fatalf("%q: status %d", soql, status)
		}
		if _, err := json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	})
}
