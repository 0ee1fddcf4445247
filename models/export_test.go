package models

import "unsafe"

// SingleGoroutine is singleGoroutine for the models_test package.
var SingleGoroutine = singleGoroutine

// KafkaRunSize is the size of a run of records in a Kafka log.
const KafkaRunSize = unsafe.Sizeof(run{})

// SetRoomShortcut turns surelyFits (and the source's capped ask for room)
// on or off, for models_test.
func SetRoomShortcut(on bool) { roomShortcut = on }
