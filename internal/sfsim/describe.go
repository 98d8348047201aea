package sfsim

import (
	"fmt"
	"net/http"
)

// describeAccount answers sobjects/Account/describe: 404 NOT_FOUND when the
// user cannot read Account (reference §5.5).
func (c *call) describeAccount() (int, any) {
	if !c.ss.user.AccountRead {
		return 0, errNotFound
	}
	base := fmt.Sprintf("/services/data/v%d.0/sobjects/Account", c.version)
	return http.StatusOK, map[string]any{
		"name": "Account", "label": "Account", "labelPlural": "Accounts", "keyPrefix": "001",
		"custom": false, "createable": false, "updateable": false, "deletable": false,
		"undeletable": false, "queryable": true, "retrieveable": true, "searchable": true,
		"layoutable": true, "mergeable": false, "replicateable": true, "triggerable": true,
		"fields": []map[string]any{
			{"name": "Id", "type": "id", "label": "Account ID", "updateable": false},
			{"name": "Name", "type": "string", "label": "Account Name", "updateable": false},
		},
		"childRelationships": []any{},
		"urls": map[string]string{
			"sobject": base, "describe": base + "/describe",
			"rowTemplate": base + "/{ID}", "uiDetailTemplate": "/{ID}",
		},
	}
}
