package conformance

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
)

// redPixelPNG returns a base64-encoded 1×1 red PNG, built with image/png so
// that it is a valid image rather than a pasted blob.
func redPixelPNG() string {
	img := image.NewRGBA(image.Rect(0, 0, 1, 1))
	img.Set(0, 0, color.RGBA{R: 255, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("conformance: encoding a 1x1 PNG cannot fail: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// silentWAV returns a base64-encoded WAV file: mono, 8 kHz, 16-bit PCM,
// samples silent samples.
func silentWAV(samples int) string {
	const (
		rate     = 8000
		bits     = 16
		channels = 1
	)
	dataLen := samples * channels * bits / 8
	var buf bytes.Buffer
	buf.WriteString("RIFF")
	le(&buf, uint32(36+dataLen))
	buf.WriteString("WAVEfmt ")
	le(&buf, uint32(16))                   // fmt chunk size
	le(&buf, uint16(1))                    // PCM
	le(&buf, uint16(channels))             // channels
	le(&buf, uint32(rate))                 // sample rate
	le(&buf, uint32(rate*channels*bits/8)) // byte rate
	le(&buf, uint16(channels*bits/8))      // block align
	le(&buf, uint16(bits))                 // bits per sample
	buf.WriteString("data")
	le(&buf, uint32(dataLen))
	buf.Write(make([]byte, dataLen))
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}

// le writes v little-endian; writes to a bytes.Buffer cannot fail.
func le(buf *bytes.Buffer, v any) {
	_ = binary.Write(buf, binary.LittleEndian, v)
}
