package klipy

// OperationScope exposes the operation → scope table to the external tests.
var OperationScope = operationScope
