package ec2tag

import "testing"

// Test helpers for the external test package (clay_test.go).
var IsolateAWS = isolateAWS

// FakeEC2 serves DescribeInstances answering with these instances, each
// given as id, private DNS name, private IP; it returns the endpoint.
func FakeEC2(t *testing.T, instances ...[3]string) string {
	t.Helper()
	ins := make([]instance, 0, len(instances))
	for _, i := range instances {
		ins = append(ins, instance{ID: i[0], DNS: i[1], IP: i[2]})
	}
	return newFakeEC2(t, reply{instances: ins}).URL
}
