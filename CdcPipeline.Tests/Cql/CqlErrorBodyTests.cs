using CdcPipeline.ServiceDefaults.Cassandra;
using CdcPipeline.ServiceDefaults.Cassandra.Protocol;

namespace CdcPipeline.Tests.Cql;

/// <summary>ERROR bodies written byte by byte from native_protocol_v4.spec section 9, decoded by the client.</summary>
public class CqlErrorBodyTests
{
    // [int] code, [string] message ("oops"), then the code's own fields.
    private const string Oops = "0004" + "6F6F7073";

    [Fact]
    public void Write_timeout_exposes_the_write_type()
    {
        // <cl>=LOCAL_QUORUM <received>=1 <blockfor>=2 <writeType>="BATCH"
        var error = Decode<CqlServerTimeoutException>("00001100" + Oops + "0006" + "00000001" + "00000002" + "0005" + "4241544348");

        Assert.Equal(CqlErrorCode.WriteTimeout, error.Code);
        Assert.Equal((CqlConsistency.LocalQuorum, 1, 2), (error.Consistency, error.Received, error.BlockFor));
        Assert.Equal("BATCH", error.WriteType);
        Assert.Null(error.DataPresent);
    }

    [Fact]
    public void Read_timeout_exposes_whether_the_data_was_present()
    {
        // <cl>=QUORUM <received>=2 <blockfor>=2 <data_present>=0
        var error = Decode<CqlServerTimeoutException>("00001200" + Oops + "0004" + "00000002" + "00000002" + "00");

        Assert.Equal(CqlErrorCode.ReadTimeout, error.Code);
        Assert.Equal((CqlConsistency.Quorum, 2, 2), (error.Consistency, error.Received, error.BlockFor));
        Assert.False(error.DataPresent);
        Assert.Null(error.WriteType);
    }

    [Fact]
    public void Read_failure_exposes_failures_and_data_present()
    {
        // <cl>=ONE <received>=0 <blockfor>=1 <numfailures>=1 <data_present>=1
        var error = Decode<CqlServerFailureException>("00001300" + Oops + "0001" + "00000000" + "00000001" + "00000001" + "01");

        Assert.Equal(CqlErrorCode.ReadFailure, error.Code);
        Assert.Equal((CqlConsistency.One, 0, 1, 1), (error.Consistency, error.Received, error.BlockFor, error.Failures));
        Assert.True(error.DataPresent);
    }

    [Fact]
    public void Write_failure_exposes_failures_and_the_write_type()
    {
        // <cl>=ALL <received>=1 <blockfor>=3 <numfailures>=2 <writeType>="SIMPLE"
        var error = Decode<CqlServerFailureException>("00001500" + Oops + "0005" + "00000001" + "00000003" + "00000002" + "0006" + "53494D504C45");

        Assert.Equal(CqlErrorCode.WriteFailure, error.Code);
        Assert.Equal((CqlConsistency.All, 1, 3, 2), (error.Consistency, error.Received, error.BlockFor, error.Failures));
        Assert.Equal("SIMPLE", error.WriteType);
    }

    [Fact]
    public void Function_failure_exposes_keyspace_function_and_argument_types()
    {
        // <keyspace>="ks" <function>="f" <arg_types>=["int","text"]
        var error = Decode<CqlFunctionFailureException>("00001400" + Oops + "00026B73" + "000166" + "0002" + "0003696E74" + "000474657874");

        Assert.Equal(("ks", "f"), (error.Keyspace, error.Function));
        Assert.Equal(["int", "text"], error.ArgumentTypes);
        Assert.Equal("Cassandra error 0x1400 (FunctionFailure): oops", error.Message);
    }

    [Fact]
    public void Unavailable_and_already_exists_keep_their_fields()
    {
        var unavailable = Decode<CqlUnavailableException>("00001000" + Oops + "0006" + "00000003" + "00000001");
        var exists = Decode<CqlAlreadyExistsException>("00002400" + Oops + "00026B73" + "000174");

        Assert.Equal((CqlConsistency.LocalQuorum, 3, 1), (unavailable.Consistency, unavailable.Required, unavailable.Alive));
        Assert.Equal(("ks", "t"), (exists.Keyspace, exists.Table));
    }

    private static T Decode<T>(string hex)
        where T : CqlServerException =>
        Assert.IsType<T>(CqlErrorDecoder.Decode(Convert.FromHexString(hex)));
}
