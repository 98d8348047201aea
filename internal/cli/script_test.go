package cli

import (
	"fmt"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptPrograms are the programs the end-to-end scripts can exec. Test files
// of each area add theirs from init functions, which run before TestMain.
var scriptPrograms = map[string]func(){
	"kollenoctl": func() { os.Exit(Main(os.Args[1:], System())) },
}

// scriptCmds are the custom script commands (check_pem_key and the like),
// added the same way.
var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){}

// scriptConds are the custom script conditions ([root] and the like), added
// the same way.
var scriptConds = map[string]func() bool{}

// scriptSetups run for every script, after its files are extracted.
var scriptSetups []func(*testscript.Env) error

func TestMain(m *testing.M) {
	testscript.Main(m, scriptPrograms)
}

// TestScripts runs every testdata/script/*.txtar: the real command, run as
// its own process, on real files.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		Cmds:                scriptCmds,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_SCRIPTS") != "",
		Condition: func(cond string) (bool, error) {
			if f, ok := scriptConds[cond]; ok {
				return f(), nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Setup: func(env *testscript.Env) error {
			// Scripts see none of the developer's own KOLLENO_ settings.
			env.Setenv("NO_COLOR", "")
			// A safety net: a request that is not for a loopback address (a
			// default login URL, say) goes to a closed port on this machine
			// instead of the internet. Go never proxies loopback requests.
			env.Setenv("HTTPS_PROXY", "http://127.0.0.1:9")
			env.Setenv("HTTP_PROXY", "http://127.0.0.1:9")
			for _, setup := range scriptSetups {
				if err := setup(env); err != nil {
					return err
				}
			}
			return nil
		},
	})
}
