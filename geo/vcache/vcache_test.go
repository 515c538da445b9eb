package vcache

import (
	"reflect"
	"testing"
)

// TestMap checks versions (values read at an older version are refused, a
// newer version drops the older ones, a lookup at another version finds
// nothing), the budget, and Drop.
func TestMap(t *testing.T) {
	var m Map[int64, string]
	val := func(ids ...int64) func(int) (string, int64) {
		return func(i int) (string, int64) { return string(rune('a' + ids[i])), 10 }
	}
	ids := []int64{1, 2}
	m.Add(5, 1000, ids, val(ids...))
	out := make([]string, 3)
	missing := m.Lookup(5, []int64{1, 2, 3}, out)
	if !reflect.DeepEqual(missing, []int64{3}) || out[0] != "b" || out[1] != "c" || out[2] != "" {
		t.Fatalf("lookup at 5: missing %v, out %q", missing, out)
	}
	if missing := m.Lookup(6, []int64{1}, out); len(missing) != 1 {
		t.Error("a lookup at another version found values")
	}
	m.Add(4, 1000, []int64{3}, val(3))
	if missing := m.Lookup(5, []int64{3}, out); len(missing) != 1 {
		t.Error("values read at an older version were kept")
	}
	m.Add(6, 1000, []int64{3}, val(3))
	if missing := m.Lookup(6, []int64{1, 2, 3}, out); !reflect.DeepEqual(missing, []int64{1, 2}) {
		t.Errorf("after version 6: missing %v, want the values of version 5", missing)
	}
	m.Add(6, 0, []int64{7}, val(7))
	if n, _ := m.Len(); n != 1 {
		t.Errorf("a zero budget kept a value: %d held", n)
	}
	var many []int64
	for id := range int64(100) {
		many = append(many, id+10)
	}
	m.Add(6, 200, many, val(many...))
	n, size := m.Len()
	if size > 200 || n == 0 || n > 20 {
		t.Errorf("over budget: %d values, %d bytes of 200", n, size)
	}
	var sum int64
	for _, e := range m.items {
		sum += e.size
	}
	if sum != size || int64(n)*10 != size {
		t.Errorf("size %d, but the values held take %d", size, sum)
	}
	if !m.Drop() {
		t.Error("Drop said it held nothing")
	}
	if missing := m.Lookup(6, []int64{3}, out); len(missing) != 1 {
		t.Error("values survived Drop")
	}
	if m.Drop() {
		t.Error("Drop of an empty map said it held something")
	}
}

// TestGetPut covers the single-key use (the server's response cache):
// values are per version, a newer version drops older values, a value
// read at an older version is not kept, and the budget holds.
func TestGetPut(t *testing.T) {
	var m Map[string, []byte]
	m.Put(2, 100, "a", []byte("v2"), 10)
	if v, ok := m.Get(2, "a"); !ok || string(v) != "v2" {
		t.Fatalf("Get(2, a) = %q, %v", v, ok)
	}
	m.Put(2, 100, "a", []byte("w2"), 20) // replaces, and its size with it
	if _, size := m.Len(); size != 20 {
		t.Errorf("size after replacing = %d, want 20", size)
	}
	if _, ok := m.Get(3, "a"); ok {
		t.Fatal("Get(3) returned a value of version 2")
	}
	if n, _ := m.Len(); n != 0 {
		t.Errorf("asking at version 3 kept %d values of version 2", n)
	}
	m.Put(2, 100, "b", []byte("late"), 10)
	if _, ok := m.Get(2, "b"); ok {
		t.Error("a value read at version 2 was kept after version 3 was seen")
	}
	for i := range 30 {
		m.Put(3, 100, string(rune('a'+i)), nil, 10)
	}
	if _, size := m.Len(); size > 100 {
		t.Errorf("size %d over the budget of 100", size)
	}
	m.Put(3, 0, "none", nil, 1) // no budget: nothing kept
	if _, ok := m.Get(3, "none"); ok {
		t.Error("kept a value with a budget of 0")
	}
}
