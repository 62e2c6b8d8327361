module sidetone/clients/go

go 1.19
