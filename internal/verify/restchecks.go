package verify

import (
	"encoding/json"
	"errors"
	"strings"
)

// addREST turns the composite answer, or the error in its place, into the
// rest-api, api-enabled, account-read and account-records checks and the
// facts it carries (the profile name, the API version).
func (r *Report) addREST(answer *compositeAnswer, err error) {
	if err != nil {
		r.addRESTFailure(err)
		return
	}

	r.Facts.APIVersion = "v" + answer.version
	r.Facts.Profile = profileName(answer.subs[refUser])
	r.set(pass(RESTAPI, "the access token works with the REST API, version %s", answer.version))
	r.set(apiEnabledCheck(answer.subs[refPermissions], r.Facts.Profile))

	read := accountReadCheck(answer.subs, r.Facts.Profile)
	r.set(read)
	r.set(accountRecordsCheck(answer.subs[refRecords], read.Status))
}

// addRESTFailure reports a composite request refused as a whole, or not
// answered. API_DISABLED_FOR_ORG is the answer about API Enabled; any other
// failure is the REST API's own, and API Enabled cannot be told.
func (r *Report) addRESTFailure(err error) {
	var e *apiError
	if !errors.As(err, &e) {
		e = &apiError{Message: err.Error()}
	}
	const why = "the REST API gave no answer to check it with"
	if e.Code == codeAPIDisabled {
		r.set(pass(RESTAPI, "the REST API answered, refusing this user's calls (see API Enabled)"))
		r.set(apiDisabledCheck(e, r.Facts.Profile))
	} else {
		r.set(restFailure(e))
		r.set(skip(APIEnabled, why))
	}
	r.set(skip(AccountRead, why))
	r.set(skip(AccountRecords, why))
}

const codeAPIDisabled = "API_DISABLED_FOR_ORG"

// apiDisabledCheck is the api-enabled check when REST answered
// API_DISABLED_FOR_ORG.
func apiDisabledCheck(e *apiError, profile string) Check {
	return fail(APIEnabled, ExitPermission, apiDisabledHint(e.Message, profile),
		"Salesforce refused REST calls for this user: %s", e)
}

// restFailure is the rest-api check when the REST API did not take the
// request. Each cause has its own exit code:
//   - no answer, a 5xx or an HTML page: 5, Salesforce not reachable;
//   - REQUEST_LIMIT_EXCEEDED: 5 as well. The org's daily API requests are
//     used up (salesforce.md §5.4); nothing in the connection is wrong, and
//     a later run works once the 24-hour window moves on, which is what
//     exit 5 tells a CI job to do (docs/ci.md). Exit 4 would send the admin
//     after permissions that are fine;
//   - INVALID_SESSION_ID: 4, a setting of the app or the org refuses the
//     token: the app's OAuth scopes lack api, or the session settings;
//   - anything else: 4, logged in but refused.
func restFailure(e *apiError) Check {
	switch {
	case e.Unreachable:
		return fail(RESTAPI, ExitUnreachable, hintRESTUnreachable,
			"could not be reached: %s", e.Message)
	case e.Code == "REQUEST_LIMIT_EXCEEDED":
		return fail(RESTAPI, ExitUnreachable, hintRequestLimit,
			"the org's daily API request limit is used up: %s", e)
	case e.Code == "INVALID_SESSION_ID" && strings.Contains(e.Message, "REST API"):
		return fail(RESTAPI, ExitPermission, hintNoAPIScope,
			"the access token may not call the REST API, so the app lacks the api OAuth scope: %s", e)
	case e.Code == "INVALID_SESSION_ID":
		return fail(RESTAPI, ExitPermission, hintSessionRefused,
			"the instance refused the new access token: %s", e)
	}
	return fail(RESTAPI, ExitPermission, hintRESTOther, "the REST API refused the checks: %s", e)
}

// profileName reads Profile.Name from the User query; "" when unknown.
func profileName(sub subresponse) string {
	var user struct {
		Profile *struct{ Name string } `json:"Profile"`
	}
	ok, err := sub.firstRecord(&user)
	if !ok || err != nil || user.Profile == nil {
		return ""
	}
	return user.Profile.Name
}

// apiEnabledCheck reads the user's effective PermissionsApiEnabled. That the
// composite request was served at all already shows REST access works
// (salesforce.md §5.5 item 3), so a failed UserPermissionAccess query does not
// fail the check.
func apiEnabledCheck(sub subresponse, profile string) Check {
	var perms struct{ PermissionsApiEnabled bool }
	ok, err := sub.firstRecord(&perms)
	var refused *apiError
	if errors.As(err, &refused) && refused.Code == codeAPIDisabled {
		return apiDisabledCheck(refused, profile)
	}
	switch {
	case err != nil || !ok:
		return pass(APIEnabled, "the REST API answered (UserPermissionAccess not readable: %s)",
			orNoRow(err))
	case !perms.PermissionsApiEnabled:
		return fail(APIEnabled, ExitPermission, hintAPIEnabledProfile(profile),
			"UserPermissionAccess says PermissionsApiEnabled is false for the integration user")
	}
	return pass(APIEnabled, "PermissionsApiEnabled is true; the REST API answered")
}

func orNoRow(err error) string {
	if err == nil {
		return "no row"
	}
	return err.Error()
}

// accountReadCheck needs three answers to agree: the Account describe says
// queryable and retrieveable, UserEntityAccess says IsReadable, and the
// Account query is not refused with INVALID_TYPE (salesforce.md §5.5).
func accountReadCheck(subs map[string]subresponse, profile string) Check {
	var problems []string
	problems = append(problems, describeProblems(subs[refDescribe])...)
	problems = append(problems, entityAccessProblems(subs[refAccess])...)
	if e := subs[refRecords].err(); e != nil {
		problems = append(problems, "SELECT Id FROM Account answered "+e.brief())
	}

	if len(problems) > 0 {
		return fail(AccountRead, ExitPermission, hintAccountRead(profile),
			"the integration user cannot read Account: %s", strings.Join(problems, "; "))
	}
	return pass(AccountRead,
		"Account is queryable and retrieveable, and UserEntityAccess says readable")
}

func describeProblems(sub subresponse) []string {
	if e := sub.err(); e != nil {
		return []string{"the Account describe answered " + e.brief()}
	}
	var d struct {
		Queryable    bool `json:"queryable"`
		Retrieveable bool `json:"retrieveable"`
	}
	if err := json.Unmarshal(sub.Body, &d); err != nil {
		return []string{"the Account describe was unreadable"}
	}

	var problems []string
	if !d.Queryable {
		problems = append(problems, "the Account describe says not queryable")
	}
	if !d.Retrieveable {
		problems = append(problems, "the Account describe says not retrieveable")
	}
	return problems
}

func entityAccessProblems(sub subresponse) []string {
	var access struct{ IsReadable bool }
	ok, err := sub.firstRecord(&access)
	switch {
	case err != nil:
		return []string{"UserEntityAccess could not be read: " + err.Error()}
	case !ok:
		return []string{"UserEntityAccess has no row for Account"}
	case !access.IsReadable:
		return []string{"UserEntityAccess says IsReadable is false"}
	}
	return nil
}

// accountRecordsCheck warns when Account is readable but no record is
// visible: that is sharing, not a missing permission, and an org may simply
// have no accounts yet.
func accountRecordsCheck(sub subresponse, read Status) Check {
	if read != Pass {
		return skip(AccountRecords, "Account is not readable")
	}
	var q queryResult
	if err := json.Unmarshal(sub.Body, &q); err != nil {
		return skip(AccountRecords, "the Account query's answer was unreadable")
	}
	if q.TotalSize == 0 && len(q.Records) == 0 {
		return warn(AccountRecords, hintNoAccountRecords,
			"SELECT Id FROM Account LIMIT 1 found no record the integration user can see")
	}
	return pass(AccountRecords, "the integration user sees Account records")
}
