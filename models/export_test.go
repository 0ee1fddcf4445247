package models

// SingleGoroutine is singleGoroutine for the models_test package.
var SingleGoroutine = singleGoroutine
