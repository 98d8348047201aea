//go:build !unix

package cli

import "io"

// newFormInput returns r as one form's input, and the function to call
// when the form is over. Outside Unix the input is the terminal itself: on
// Windows, Bubble Tea reads the console through ultraviolet's own reader,
// which cancels a pending read with CancelIoEx.
//
// TODO: answer several forms in a row on a Windows console. This path is
// built for Windows but has never run there: no Windows machine was at hand.
func newFormInput(r io.Reader) (io.Reader, func()) {
	return r, func() {}
}
