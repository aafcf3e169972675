package klipy

// Decoders the service methods hand to do.

// record decodes a single-record answer into v.
func record(v any) decoder {
	return func(b []byte) (envelope, error) { return decodeRecord(b, v) }
}

// list decodes a page of a list answer into *dst.
func list[T any](dst **Page[T]) decoder {
	return func(b []byte) (envelope, error) {
		page, env, err := decodePage[T](b)
		*dst = page
		return env.value(), err
	}
}

// deleted decodes a delete answer into *dst.
func deleted(dst **DeleteResult, id string) decoder {
	return func(b []byte) (envelope, error) {
		res, env, err := decodeDelete(b, id)
		*dst = res
		return env.value(), err
	}
}

// created decodes an interaction-create answer into *dst.
func created(dst **InteractionCreated) decoder {
	return func(b []byte) (envelope, error) {
		res, env, err := decodeCreated(b)
		*dst = res
		return env.value(), err
	}
}
