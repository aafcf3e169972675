package klipy

// Decoders the service methods hand to do.

// record decodes a single-record answer into v.
func record(v any) decoder {
	return func(b []byte) (*envelope, error) { return decodeRecord(b, v) }
}

// list decodes a page of a list answer into *dst.
func list[T any](dst **Page[T]) decoder {
	return func(b []byte) (env *envelope, err error) {
		*dst, env, err = decodePage[T](b)
		return env, err
	}
}

// deleted decodes a delete answer into *dst.
func deleted(dst **DeleteResult, id string) decoder {
	return func(b []byte) (env *envelope, err error) {
		*dst, env, err = decodeDelete(b, id)
		return env, err
	}
}

// created decodes an interaction-create answer into *dst.
func created(dst **InteractionCreated) decoder {
	return func(b []byte) (env *envelope, err error) {
		*dst, env, err = decodeCreated(b)
		return env, err
	}
}
